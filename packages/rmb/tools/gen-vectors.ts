/**
 * Generates packages/conformance/vectors/rmb/{envelope,jwt}_test.json. Every expected digest,
 * wire encoding and signature comes from the REAL `@threefold/rmb_direct_client@2.9.2`
 * (google-protobuf `Envelope.serializeBinary`, `ClientEnvelope.challenge`, `sign`, `newJWT`)
 * with polkadot keyring pairs, never from sc4it code. Deterministic inputs; sr25519 signatures
 * are randomized by design, so they change on each run (tests only verify them).
 *
 * Run: pnpm --filter @sc4it/rmb exec tsx tools/gen-vectors.ts
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keyringCryptoReady, realClientDir, requireRealClientModule } from '../test/real-client.ts';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '..', '..', 'conformance', 'vectors', 'rmb');
const SOURCE = '@threefold/rmb_direct_client@2.9.2';

type Json = Record<string, unknown>;
interface PbCtor {
  new (data?: object): { serializeBinary(): Uint8Array };
}
const types = requireRealClientModule<Record<string, PbCtor>>('types/lib/types.js');
const ClientEnvelope = requireRealClientModule<{ default: { prototype: object } }>('envelope.js').default;
const signMod = requireRealClientModule<{ sign(payload: Uint8Array | string, signer: object): Uint8Array }>('sign.js');
const clientMod = requireRealClientModule<{ Client: { prototype: { newJWT(this: object, session: string): string } } }>('client.js');

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

/** A vector envelope: JSON with hex bytes, as the tests read it. */
interface VecEnvelope {
  uid: string;
  tags?: string;
  timestamp: number;
  expiration: number;
  source?: { twin: number; connection?: string };
  destination?: { twin: number; connection?: string };
  request?: { command: string } | undefined; // undefined in `base()` overrides: no request
  response?: Json;
  error?: { code: number; message: string };
  ping?: Json;
  pong?: Json;
  signature?: string;
  schema?: string;
  federation?: string;
  plain?: string;
  cipher?: string;
  relays: string[];
}

function realEnvelope(v: VecEnvelope): { serializeBinary(): Uint8Array } {
  const data: Json = { uid: v.uid, timestamp: v.timestamp, expiration: v.expiration, relays: v.relays };
  if (v.tags !== undefined) data.tags = v.tags;
  if (v.source) data.source = new types.Address!(v.source);
  if (v.destination) data.destination = new types.Address!(v.destination);
  if (v.request) data.request = new types.Request!(v.request);
  if (v.response) data.response = new types.Response!({});
  if (v.error) data.error = new types.Error!(v.error);
  if (v.ping) data.ping = new types.Ping!({});
  if (v.pong) data.pong = new types.Pong!({});
  if (v.signature !== undefined) data.signature = bytes(v.signature);
  if (v.schema !== undefined) data.schema = v.schema;
  if (v.federation !== undefined) data.federation = v.federation;
  if (v.plain !== undefined) data.plain = bytes(v.plain);
  if (v.cipher !== undefined) data.cipher = bytes(v.cipher);
  const env = new types.Envelope!(data);
  // An Envelope instance with ClientEnvelope's methods: `challenge()` as the client runs it, without
  // the constructor that forces `schema` (so envelopes without schema can be hashed too).
  Object.setPrototypeOf(env, ClientEnvelope.prototype);
  return env;
}

function challenge(env: object): Uint8Array {
  return new Uint8Array((env as { challenge(): Uint8Array }).challenge());
}

const cipher = hex(Uint8Array.from({ length: 45 }, (_, i) => (i * 37 + 11) & 0xff));
const base = (over: Partial<VecEnvelope>): VecEnvelope => ({
  uid: '8d3c5c2e-6a8b-4d0f-9b51-0c2a7f1e9d42',
  timestamp: 1_732_000_000,
  expiration: 300,
  source: { twin: 7, connection: 'session-a' },
  destination: { twin: 42 },
  request: { command: 'zos.deployment.deploy' },
  relays: [],
  ...over,
});

const digestCases: { comment: string; flags: string[]; env: VecEnvelope }[] = [
  {
    comment: 'request as the TS client sends it: tags "", schema, cipher, relays',
    flags: ['TsClientLayout'],
    env: base({ tags: '', schema: 'application/json', cipher, relays: ['relay.grid.tf', 'relay.dev.grid.tf'] }),
  },
  { comment: 'request without tags, schema or relays; plain payload', flags: [], env: base({ plain: hex(Buffer.from('{"a":1}')) }) },
  { comment: 'non-empty tags are hashed', flags: [], env: base({ tags: 'fail-fast', plain: hex(Buffer.from('x')) }) },
  {
    comment: 'response: no command text; schema and plain JSON hashed',
    flags: [],
    env: base({ request: undefined, response: {}, schema: 'application/json', plain: hex(Buffer.from('{"ok":true}')), source: { twin: 42 }, destination: { twin: 7, connection: 'session-a' } }),
  },
  {
    comment: 'error: code in decimal then message',
    flags: [],
    env: base({ request: undefined, error: { code: 255, message: 'handler exploded' }, schema: 'application/json' }),
  },
  {
    comment: 'ping as the TS client sends it: expiration 40, empty destination, schema',
    flags: ['TsClientLayout'],
    env: base({ request: undefined, ping: {}, tags: '', expiration: 40, destination: { twin: 0 }, schema: 'application/json' }),
  },
  { comment: 'pong', flags: [], env: base({ request: undefined, pong: {}, destination: { twin: 7, connection: 'session-a' }, source: { twin: 0 }, plain: hex(Buffer.from('hello world')) }) },
  { comment: 'deprecated federation field is hashed', flags: ['Deprecated'], env: base({ federation: 'relay.other.tf', plain: '00ff' }) },
  { comment: 'deprecated relays are hashed last, in order', flags: ['Deprecated'], env: base({ plain: '01', relays: ['b.example', 'a.example'] }) },
  { comment: 'UTF-8 command and session', flags: ['Utf8'], env: base({ request: { command: 'zos.ünïcode.✓' }, source: { twin: 7, connection: 'sé' } }) },
  { comment: 'large u64 times (below 2^53)', flags: [], env: base({ timestamp: 2 ** 52 + 17, expiration: 4_294_967_297 }) },
  { comment: 'empty payload adds nothing', flags: [], env: base({ plain: '' }) },
  { comment: 'destination session present', flags: [], env: base({ destination: { twin: 42, connection: 'sid-9' }, cipher }) },
];

const notes = {
  TsClientLayout: { bugType: 'Compatibility', description: 'Field layout the real TS client puts on the wire (rmb.md §1.5).' },
  Deprecated: { bugType: 'Compatibility', description: 'Deprecated fields that are still part of the digest (rmb.md §1.4, §2.1).' },
  Utf8: { bugType: 'EdgeCase', description: 'Strings are hashed as UTF-8 bytes.' },
  Tampered: { bugType: 'ModifiedSignature', description: 'A signed field changed after signing.' },
  BadPrefix: { bugType: 'ModifiedSignature', description: 'Type byte other than the key type, or not s/e (rmb.md §2.2).' },
  BadLength: { bugType: 'ModifiedSignature', description: 'Signature not 65 bytes.' },
  Randomized: { bugType: 'Compatibility', description: 'sr25519 signatures are randomized; only verification is checked.' },
  NoTyp: { bugType: 'Compatibility', description: 'rmb-rs omits typ; the relay must accept it (rmb.md §3.2).' },
  SidNull: { bugType: 'Compatibility', description: 'sid null or absent means no session (rmb.md §3.2).' },
  Expired: { bugType: 'Expired', description: 'now > exp.' },
  BadAlg: { bugType: 'WrongAlgorithm', description: 'alg must be exactly RS512.' },
};

async function main(): Promise<void> {
  await keyringCryptoReady();
  const req = createRequire(join(realClientDir(), 'client.js'));
  const apiReq = createRequire(req.resolve('@polkadot/api'));
  const { Keyring } = apiReq('@polkadot/keyring') as {
    Keyring: new (o: { type: string }) => { addFromUri(uri: string): { publicKey: Uint8Array; type: string; sign(m: Uint8Array | string): Uint8Array } };
  };
  let tcId = 0;

  const digestTests = digestCases.map((c) => {
    const env = realEnvelope(c.env);
    return {
      tcId: ++tcId,
      comment: c.comment,
      flags: c.flags,
      source: `${SOURCE} ClientEnvelope.challenge + Envelope.serializeBinary`,
      result: 'valid',
      envelope: c.env,
      wire: hex(env.serializeBinary()),
      digest: hex(challenge(env)),
    };
  });

  const seeds = {
    ed25519: '0x9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    sr25519: '0xe5be9a5092b81bca64be81d212e7f2f9eba183bb7a90954f7b76361f6edb5c0a',
  } as const;
  const sigTests: Json[] = [];
  for (const keyType of ['ed25519', 'sr25519'] as const) {
    const pair = new Keyring({ type: keyType }).addFromUri(seeds[keyType]);
    const v = base({ tags: '', schema: 'application/json', cipher, relays: ['relay.grid.tf'] });
    const digest = challenge(realEnvelope(v));
    const sig = signMod.sign(digest, pair);
    const common = { seed: seeds[keyType], keyType, publicKey: hex(pair.publicKey) };
    const flags = keyType === 'sr25519' ? ['Randomized'] : [];
    const src = `${SOURCE} sign.sign(challenge) with a @polkadot/keyring ${keyType} pair`;
    sigTests.push({ tcId: ++tcId, comment: `${keyType} signature of a request`, flags, source: src, result: 'valid', ...common, envelope: { ...v, signature: hex(sig) }, digest: hex(digest) });
    sigTests.push({
      tcId: ++tcId,
      comment: `${keyType}: timestamp changed after signing`,
      flags: ['Tampered'],
      source: `${src}; field modified by the generator`,
      result: 'invalid',
      error: 'envelope.bad_signature',
      ...common,
      envelope: { ...v, timestamp: v.timestamp + 1, signature: hex(sig) },
    });
    const flipped = sig.slice();
    flipped[0] = keyType === 'ed25519' ? 0x73 : 0x65;
    sigTests.push({ tcId: ++tcId, comment: `${keyType}: type byte of the other curve`, flags: ['BadPrefix'], source: `${src}; type byte replaced`, result: 'invalid', error: 'envelope.bad_signature', ...common, envelope: { ...v, signature: hex(flipped) } });
    const unknown = sig.slice();
    unknown[0] = 0x78;
    sigTests.push({ tcId: ++tcId, comment: `${keyType}: unknown type byte x`, flags: ['BadPrefix'], source: `${src}; type byte replaced`, result: 'invalid', error: 'envelope.bad_signature', ...common, envelope: { ...v, signature: hex(unknown) } });
    sigTests.push({ tcId: ++tcId, comment: `${keyType}: raw 64-byte signature without type byte`, flags: ['BadLength'], source: `${src}; type byte removed`, result: 'invalid', error: 'envelope.bad_signature', ...common, envelope: { ...v, signature: hex(sig.slice(1)) } });
  }

  const envelopeFile = {
    schema: 'rmb_envelope_test_schema_v1',
    suite: 'rmb',
    version: '1',
    generator: { tool: 'packages/rmb/tools/gen-vectors.ts', oracle: SOURCE },
    header: [
      'RMB envelope digest (MD5 challenge, rmb.md §2.1), protobuf wire bytes (§1) and 65-byte typed signatures (§2.2).',
      'digest = hex of the 16 raw MD5 bytes; wire = google-protobuf encoding by the real client (byte equality is not required, §1.6, but it must decode to the same fields).',
      'Hex is lower-case without 0x; envelope byte fields (signature, plain, cipher) are hex.',
    ],
    notes,
    numberOfTests: digestTests.length + sigTests.length,
    testGroups: [
      { type: 'EnvelopeDigest', tests: digestTests },
      { type: 'EnvelopeSignature', tests: sigTests },
    ],
  };

  // JWT: the client's own newJWT with an ed25519 and an sr25519 pair; variants built by hand.
  const jwtTests: Json[] = [];
  const b64u = (s: string): string => Buffer.from(s).toString('base64url');
  for (const keyType of ['ed25519', 'sr25519'] as const) {
    const pair = new Keyring({ type: keyType }).addFromUri(seeds[keyType]);
    const token = clientMod.Client.prototype.newJWT.call({ twin: { id: 17 }, signer: pair }, 'sess-1');
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number };
    const common = { keyType, publicKey: hex(pair.publicKey), twinId: 17 };
    const src = `${SOURCE} Client.newJWT`;
    jwtTests.push({ tcId: ++tcId, comment: `${keyType} token of the TS client (typ JWT, sid string)`, flags: [], source: src, result: 'valid', ...common, token, now: claims.iat, session: 'sess-1' });
    jwtTests.push({ tcId: ++tcId, comment: `${keyType} token one second after exp`, flags: ['Expired'], source: src, result: 'invalid', error: 'crypto.jwt_expired', ...common, token, now: claims.exp + 1 });
    const sign = (h: object, c: object): string => {
      const input = `${b64u(JSON.stringify(h))}.${b64u(JSON.stringify(c))}`;
      return `${input}.${Buffer.from(signMod.sign(input, pair)).toString('base64url')}`;
    };
    const hsrc = `signed with ${SOURCE} sign.sign over the ASCII header.claims; header/claims written by the generator (rmb.md §3.2)`;
    const iat = 1_732_000_000;
    jwtTests.push({ tcId: ++tcId, comment: `${keyType}: rmb-rs style header without typ, sid null`, flags: ['NoTyp', 'SidNull'], source: hsrc, result: 'valid', ...common, token: sign({ alg: 'RS512' }, { sub: 17, sid: null, iat, exp: iat + 300 }), now: iat + 10, session: null });
    jwtTests.push({ tcId: ++tcId, comment: `${keyType}: Go style, sid absent`, flags: ['SidNull'], source: hsrc, result: 'valid', ...common, token: sign({ alg: 'RS512', typ: 'JWT' }, { sub: 17, iat, exp: iat + 60 }), now: iat, session: null });
    jwtTests.push({ tcId: ++tcId, comment: `${keyType}: iat 2 s ahead of the relay clock`, flags: [], source: hsrc, result: 'valid', ...common, token: sign({ alg: 'RS512', typ: 'JWT' }, { sub: 17, sid: '', iat, exp: iat + 60 }), now: iat - 2, session: '' });
    jwtTests.push({ tcId: ++tcId, comment: `${keyType}: alg HS256`, flags: ['BadAlg'], source: hsrc, result: 'invalid', error: 'crypto.jwt_invalid', ...common, token: sign({ alg: 'HS256', typ: 'JWT' }, { sub: 17, iat, exp: iat + 60 }), now: iat });
    jwtTests.push({ tcId: ++tcId, comment: `${keyType}: exp missing`, flags: [], source: hsrc, result: 'invalid', error: 'crypto.jwt_invalid', ...common, token: sign({ alg: 'RS512' }, { sub: 17, iat }), now: iat });
    const t = sign({ alg: 'RS512' }, { sub: 17, iat, exp: iat + 60 });
    const forged = `${t.split('.')[0]}.${b64u(JSON.stringify({ sub: 17, iat, exp: iat + 6000 }))}.${t.split('.')[2]}`;
    jwtTests.push({ tcId: ++tcId, comment: `${keyType}: claims changed after signing`, flags: [], source: hsrc, result: 'invalid', error: 'crypto.bad_signature', ...common, token: forged, now: iat });
  }
  const jwtFile = {
    schema: 'rmb_jwt_test_schema_v1',
    suite: 'rmb',
    version: '1',
    generator: { tool: 'packages/rmb/tools/gen-vectors.ts', oracle: SOURCE },
    header: [
      'Relay JWTs (rmb.md §3.2–3.3): unpadded base64url header.claims.signature, 65-byte typed signature over the ASCII header.claims.',
      'Verify with the twin (twinId, publicKey) at unix time `now`; valid tests give the session (`session`: string, or null for none).',
    ],
    notes,
    numberOfTests: jwtTests.length,
    testGroups: [{ type: 'RelayJwt', tests: jwtTests }],
  };

  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'envelope_test.json'), `${JSON.stringify(envelopeFile, null, 2)}\n`);
  writeFileSync(join(outDir, 'jwt_test.json'), `${JSON.stringify(jwtFile, null, 2)}\n`);
  console.log(`wrote ${envelopeFile.numberOfTests} envelope and ${jwtFile.numberOfTests} jwt vectors to ${outDir}`);
}

await main();
