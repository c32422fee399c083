// A bare WebSocket forwarder for the benchmark: the physical limit of a relay on this machine.
// No JWT check (the session is read from the unverified claims), no envelope decoding beyond a
// scan for the destination address (protobuf field 6), no queue, no limits.
// Usage: node bench/bare-forwarder.mjs  → prints "listening on ws://127.0.0.1:<port>"
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

function varint(b, at) {
  let v = 0;
  let mul = 1;
  for (;;) {
    const x = b[at.i++];
    v += (x & 0x7f) * mul;
    if (x < 0x80) return v;
    mul *= 128;
  }
}

/** Returns "twin" or "twin:sid" of field 6, or undefined. */
function destination(b) {
  const at = { i: 0 };
  while (at.i < b.length) {
    const tag = varint(b, at);
    const field = tag >>> 3;
    const wt = tag & 7;
    if (wt === 0) varint(b, at);
    else if (wt === 1) at.i += 8;
    else if (wt === 5) at.i += 4;
    else if (wt === 2) {
      const len = varint(b, at);
      if (field === 6) {
        const end = at.i + len;
        let twin = 0;
        let sid;
        while (at.i < end) {
          const t = varint(b, at);
          if (t === 8) twin = varint(b, at);
          else if (t === 18) {
            const l = varint(b, at);
            sid = Buffer.from(b.subarray(at.i, at.i + l)).toString();
            at.i += l;
          } else return undefined;
        }
        return sid === undefined ? `${twin}` : `${twin}:${sid}`;
      }
      at.i += len;
    } else return undefined;
  }
  return undefined;
}

const sessions = new Map();
// A write callback makes ws measurably faster under load (same trick as the relay).
const noop = () => {};
const server = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server, perMessageDeflate: false });
wss.on('connection', (ws, req) => {
  const token = (req.url ?? '').split('?')[1] ?? '';
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? 'e30', 'base64url').toString());
  const key = claims.sid === undefined || claims.sid === null ? `${claims.sub}` : `${claims.sub}:${claims.sid}`;
  sessions.set(key, ws);
  ws.on('message', (data) => {
    const dst = destination(data);
    const to = dst === undefined ? undefined : sessions.get(dst);
    if (to !== undefined) to.send(data, noop);
  });
  ws.on('close', () => {
    if (sessions.get(key) === ws) sessions.delete(key);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on ws://127.0.0.1:${server.address().port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
