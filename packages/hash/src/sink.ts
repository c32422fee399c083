import { md5Blocks, md5Init } from './md5.ts';

const CHUNK = 16 * 1024; // bytes hashed per flush; a multiple of 64
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

const ENCODER = new TextEncoder();
const BATCH = 4096; // characters gathered before one join + native encode
const SURROGATE = /[\ud800-\udfff]/;

let spare: Uint8Array | null = null; // one reusable hash buffer (calls are synchronous)

/**
 * Where challenge fragments go: gathered in small batches, UTF-8 encoded into a byte buffer, and
 * either hashed with MD5 in 64-byte blocks as it fills (`hash` mode) or kept and grown (`collect`
 * mode, for the challenge text). One code path writes both, so the text and the hash can never
 * disagree. Work is linear in the challenge size: each batch is joined once (bounded size) and
 * encoded once.
 */
export class Sink {
  private buf: Uint8Array;
  private pos = 0;
  private readonly hashing: boolean;
  private readonly state = new Int32Array(4);
  private words: Int32Array | null = null;
  private hashed = 0; // bytes already compressed
  private readonly parts: string[] = [];
  private chars = 0;

  constructor(mode: 'hash' | 'collect') {
    this.hashing = mode === 'hash';
    if (this.hashing) {
      // Room for a full chunk plus the final padding block.
      this.buf = spare ?? new Uint8Array(CHUNK + 128);
      spare = null;
      md5Init(this.state);
    } else {
      this.buf = new Uint8Array(1024);
    }
  }

  /** Makes room for at least `n` more bytes (n <= CHUNK in hash mode). */
  private room(n: number): void {
    if (this.hashing) {
      if (this.pos + n > CHUNK) this.compress();
      return;
    }
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Compresses every whole 64-byte block written so far and keeps the tail. */
  private compress(): void {
    const whole = this.pos & ~63;
    if (whole === 0) return;
    md5Blocks(this.state, this.wordsOf(whole), 0, whole >>> 6);
    this.buf.copyWithin(0, whole, this.pos);
    this.pos -= whole;
    this.hashed += whole;
  }

  /** The buffer's first `len` bytes as little-endian 32-bit words. */
  private wordsOf(len: number): Int32Array {
    if (LITTLE_ENDIAN) return (this.words ??= new Int32Array(this.buf.buffer, this.buf.byteOffset, this.buf.length >>> 2));
    const w = new Int32Array(len >>> 2);
    const v = new DataView(this.buf.buffer, this.buf.byteOffset, len);
    for (let i = 0; i < w.length; i++) w[i] = v.getInt32(i * 4, true);
    return w;
  }

  /** Appends one challenge fragment. */
  str(s: string): void {
    this.parts.push(s);
    this.chars += s.length;
    if (this.chars > BATCH) this.drain();
  }

  /** Encodes the gathered fragments into the buffer. */
  private drain(): void {
    const parts = this.parts;
    if (parts.length === 0) return;
    const joined = parts.length === 1 ? parts[0]! : parts.join('');
    const n = joined.length;
    if (n * 3 <= CHUNK) {
      this.room(n * 3);
      const start = this.pos;
      const written = ENCODER.encodeInto(joined, this.buf.subarray(start)).written;
      this.pos = start + written;
      // All-ASCII text (written === n) cannot hold surrogates; otherwise look, and if there are
      // any, encode fragment by fragment instead (see below).
      if (written !== n && SURROGATE.test(joined)) {
        this.pos = start;
        for (const p of parts) this.text(p);
      }
    } else if (SURROGATE.test(joined)) {
      // Go decodes every JSON string on its own: a lone surrogate becomes U+FFFD even where the
      // next fragment would complete the pair. Encode fragment by fragment.
      for (const p of parts) this.text(p);
    } else {
      this.text(joined);
    }
    parts.length = 0;
    this.chars = 0;
  }

  /** Writes `s` as UTF-8; lone surrogates become U+FFFD, as Go's JSON decoder makes them. */
  private text(s: string): void {
    const len = s.length;
    if (len < 32) {
      // Short text: a plain loop beats the native encoder's call cost.
      this.room(len * 3);
      this.encode(s, 0, len);
      return;
    }
    // Bounded pieces, so a huge string never needs a huge buffer in hash mode.
    for (let i = 0; i < len; ) {
      let end = Math.min(len, i + 2048);
      const last = s.charCodeAt(end - 1);
      if (end < len && last >= 0xd800 && last <= 0xdbff) end--; // never split before a possible low surrogate
      const piece = i === 0 && end === len ? s : s.slice(i, end);
      this.room(piece.length * 3);
      this.pos += ENCODER.encodeInto(piece, this.buf.subarray(this.pos)).written;
      i = end;
    }
  }

  private encode(s: string, from: number, to: number): void {
    const buf = this.buf;
    let p = this.pos;
    let i = from;
    for (; i < to; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) {
        buf[p++] = c;
      } else if (c < 0x800) {
        buf[p++] = 0xc0 | (c >> 6);
        buf[p++] = 0x80 | (c & 0x3f);
      } else {
        if (c >= 0xd800 && c <= 0xdfff) {
          const d = i + 1 < to ? s.charCodeAt(i + 1) : 0;
          if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
            const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
            buf[p++] = 0xf0 | (cp >> 18);
            buf[p++] = 0x80 | ((cp >> 12) & 0x3f);
            buf[p++] = 0x80 | ((cp >> 6) & 0x3f);
            buf[p++] = 0x80 | (cp & 0x3f);
            i++;
            continue;
          }
          c = 0xfffd;
        }
        buf[p++] = 0xe0 | (c >> 12);
        buf[p++] = 0x80 | ((c >> 6) & 0x3f);
        buf[p++] = 0x80 | (c & 0x3f);
      }
    }
    this.pos = p;
  }

  /** The 16-byte MD5 of everything written (hash mode). Ends the sink. */
  digest(): Uint8Array {
    if (!this.hashing) throw new Error('sink is not in hash mode');
    this.drain();
    this.compress();
    const buf = this.buf;
    const bits = (this.hashed + this.pos) * 8;
    let p = this.pos;
    buf[p++] = 0x80;
    const end = p <= 56 ? 64 : 128;
    buf.fill(0, p, end - 8);
    const lo = bits >>> 0;
    const hi = Math.floor(bits / 0x1_0000_0000) >>> 0;
    for (let i = 0; i < 4; i++) {
      buf[end - 8 + i] = lo >>> (8 * i);
      buf[end - 4 + i] = hi >>> (8 * i);
    }
    md5Blocks(this.state, this.wordsOf(end), 0, end >>> 6);
    const out = new Uint8Array(16);
    for (let i = 0; i < 4; i++) {
      const w = this.state[i]!;
      out[4 * i] = w;
      out[4 * i + 1] = w >>> 8;
      out[4 * i + 2] = w >>> 16;
      out[4 * i + 3] = w >>> 24;
    }
    this.pos = 0;
    spare = buf;
    return out;
  }

  /** The bytes written (collect mode). */
  bytes(): Uint8Array {
    this.drain();
    return this.buf.subarray(0, this.pos);
  }
}
