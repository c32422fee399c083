/**
 * The one place where Node and browsers differ (STYLE.md "platform differences in one place"):
 * a binary WebSocket with open / message / close callbacks. Browsers (and Node ≥ 22) have a
 * global `WebSocket`; on older Node the `ws` package is loaded on first use.
 */
export interface RmbSocket {
  send(bytes: Uint8Array): boolean;
  close(code?: number, reason?: string): void;
  readonly isOpen: boolean;
  /** Bytes queued but not yet sent. */
  readonly bufferedAmount: number;
}

export interface SocketHandlers {
  onOpen(): void;
  onMessage(bytes: Uint8Array): void;
  onClose(code: number, reason: string): void;
}

/** Opens a socket to `url`; handlers run as events arrive. */
export type SocketFactory = (url: string, handlers: SocketHandlers) => Promise<RmbSocket>;

/** Constructor shape shared by the browser `WebSocket` and the `ws` package. */
interface WebSocketLike {
  binaryType: string;
  readyState: number;
  bufferedAmount: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}
type WebSocketCtor = new (url: string) => WebSocketLike;

let wsCtor: Promise<WebSocketCtor> | undefined;

async function loadCtor(): Promise<WebSocketCtor> {
  const global = (globalThis as { WebSocket?: WebSocketCtor }).WebSocket;
  if (global !== undefined) return global;
  const name = 'ws';
  const mod = (await import(name)) as { WebSocket?: WebSocketCtor; default?: WebSocketCtor };
  const ctor = mod.WebSocket ?? mod.default;
  if (ctor === undefined) throw new Error('no WebSocket implementation');
  return ctor;
}

function toBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data)) {
    const parts = data.filter((p): p is Uint8Array => p instanceof Uint8Array);
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let off = 0;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }
  return undefined;
}

/** Socket factory over a WebSocket class (default: global `WebSocket`, else `ws`). */
export function webSocketFactory(ctor?: WebSocketCtor): SocketFactory {
  return async (url, h) => {
    const Ctor = ctor ?? (await (wsCtor ??= loadCtor()));
    const ws = new Ctor(url);
    ws.binaryType = 'arraybuffer';
    let closed = false;
    ws.onopen = () => h.onOpen();
    ws.onmessage = (ev) => {
      const bytes = toBytes(ev.data);
      if (bytes !== undefined) h.onMessage(bytes);
    };
    ws.onerror = () => {};
    ws.onclose = (ev) => {
      if (closed) return;
      closed = true;
      h.onClose(ev.code, ev.reason);
    };
    return {
      send(bytes) {
        if (ws.readyState !== 1) return false;
        ws.send(bytes);
        return true;
      },
      close(code, reason) {
        try {
          ws.close(code, reason);
        } catch {
          ws.close();
        }
      },
      get isOpen() {
        return ws.readyState === 1;
      },
      get bufferedAmount() {
        return ws.bufferedAmount;
      },
    };
  };
}
