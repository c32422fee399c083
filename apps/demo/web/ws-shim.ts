/**
 * A browser stand-in for the `ws` package, just enough for chain-sim's JSON-RPC client
 * (`on`/`once` for open, message, close, error; `send` with a callback; `close`, `terminate`).
 */
type Handler = (...args: unknown[]) => void;

export default class BrowserWs {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly #ws: WebSocket;
  readonly #handlers = new Map<string, { fn: Handler; once: boolean }[]>();

  constructor(url: string, _options?: unknown) {
    this.#ws = new WebSocket(url);
    this.#ws.onopen = () => this.#emit('open');
    this.#ws.onmessage = (ev: MessageEvent) => this.#emit('message', { toString: () => (typeof ev.data === 'string' ? ev.data : String(ev.data)) }, false);
    this.#ws.onclose = (ev: CloseEvent) => this.#emit('close', ev.code, ev.reason);
    this.#ws.onerror = () => this.#emit('error', new Error('WebSocket error'));
  }

  get readyState(): number {
    return this.#ws.readyState;
  }

  #emit(event: string, ...args: unknown[]): void {
    const list = this.#handlers.get(event) ?? [];
    this.#handlers.set(event, list.filter((h) => !h.once));
    for (const h of list) h.fn(...args);
  }

  on(event: string, fn: Handler): this {
    this.#handlers.set(event, [...(this.#handlers.get(event) ?? []), { fn, once: false }]);
    return this;
  }

  once(event: string, fn: Handler): this {
    this.#handlers.set(event, [...(this.#handlers.get(event) ?? []), { fn, once: true }]);
    return this;
  }

  send(data: string, cb?: (err?: Error) => void): void {
    try {
      this.#ws.send(data);
      cb?.();
    } catch (err) {
      cb?.(err instanceof Error ? err : new Error(String(err)));
    }
  }

  close(): void {
    this.#ws.close();
  }

  terminate(): void {
    this.#ws.close();
  }
}

export { BrowserWs as WebSocket };

/** Not available in a browser; present so server modules tree-shaken from the bundle still link. */
export class WebSocketServer {
  constructor() {
    throw new Error('WebSocketServer is not available in the browser');
  }
}
