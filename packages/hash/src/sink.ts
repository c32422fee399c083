import { md5Blocks, md5Init } from './md5.ts';

const CHUNK = 16 * 1024; // bytes hashed per flush; a multiple of 64
const PIECE = 2048; // characters encoded at once from a text too long for the free room
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

const ENCODER = new TextEncoder();
const SURROGATE = /[\ud800-\udfff]/;

/** A hash buffer with its word view and MD5 state, reused by the next sink (calls are synchronous). */
interface HashBuffers {
  readonly buf: Uint8Array;
  readonly words: Int32Array | null; // little-endian hosts: the buffer as words
  readonly state: Int32Array;
}

let spare: HashBuffers | null = null;

function hashBuffers(): HashBuffers {
  const buf = new Uint8Array(CHUNK + 128); // a full chunk plus the final padding
  return { buf, words: LITTLE_ENDIAN ? new Int32Array(buf.buffer) : null, state: new Int32Array(4) };
}

/** Scratch for {@link Sink.hexDigest} (filled and read with no other code in between). */
const HEX_CODES: number[] = new Array<number>(32).fill(0);

/** Hex digits of a nibble, as char codes. */
function hexCode(n: number): number {
  return n < 10 ? 48 + n : 87 + n;
}

/**
 * Where challenge text goes: UTF-8 encoded (natively, one `encodeInto` per text) into a byte
 * buffer, and either hashed with MD5 in 64-byte blocks as it fills (`hash` mode) or kept and grown
 * (`collect` mode). Each {@link write} is encoded on its own: a lone surrogate becomes U+FFFD and
 * is never paired with a half from another write, as Go decodes every JSON string on its own.
 * Work is linear in the text size.
 */
export class Sink {
  private buf: Uint8Array;
  private pos = 0;
  private readonly hashing: boolean;
  private readonly hb: HashBuffers | null;
  private hashed = 0; // bytes already compressed

  constructor(mode: 'hash' | 'collect') {
    this.hashing = mode === 'hash';
    if (this.hashing) {
      this.hb = spare ?? hashBuffers();
      spare = null;
      this.buf = this.hb.buf;
      md5Init(this.hb.state);
    } else {
      this.hb = null;
      this.buf = new Uint8Array(1024);
    }
  }

  /** Forgets everything written (the challenge is written again from the start). */
  reset(): void {
    this.pos = 0;
    this.hashed = 0;
    if (this.hb !== null) md5Init(this.hb.state);
  }

  /**
   * Appends the UTF-8 bytes of `s` (lone surrogates as U+FFFD). Returns true when `s` holds any
   * UTF-16 surrogate code unit, paired or not (all-ASCII text is never even scanned for them).
   */
  write(s: string): boolean {
    const n = s.length;
    if (n === 0) return false;
    if (this.pos + n * 3 > this.buf.length - 128) {
      if (this.hashing) {
        this.compress();
        if (this.pos + n * 3 > CHUNK) return this.pieces(s);
      } else {
        this.grow(n * 3);
      }
    }
    const written = ENCODER.encodeInto(s, this.pos === 0 ? this.buf : this.buf.subarray(this.pos)).written;
    this.pos += written;
    return written !== n && SURROGATE.test(s);
  }

  /** A text too long for the hash buffer, in bounded pieces that never split a surrogate pair. */
  private pieces(s: string): boolean {
    const len = s.length;
    let ascii = true;
    for (let i = 0; i < len; ) {
      let end = Math.min(len, i + PIECE);
      const last = s.charCodeAt(end - 1);
      if (end < len && last >= 0xd800 && last <= 0xdbff) end--;
      if (this.pos + (end - i) * 3 > CHUNK) this.compress();
      const written = ENCODER.encodeInto(s.slice(i, end), this.buf.subarray(this.pos)).written;
      this.pos += written;
      if (written !== end - i) ascii = false;
      i = end;
    }
    return !ascii && SURROGATE.test(s);
  }

  private grow(n: number): void {
    let size = this.buf.length * 2;
    while (size - 128 < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Compresses every whole 64-byte block written so far and keeps the tail. */
  private compress(): void {
    const whole = this.pos & ~63;
    if (whole === 0) return;
    md5Blocks(this.hb!.state, this.wordsOf(whole), 0, whole >>> 6);
    this.buf.copyWithin(0, whole, this.pos);
    this.pos -= whole;
    this.hashed += whole;
  }

  /** The buffer's first `len` bytes as little-endian 32-bit words. */
  private wordsOf(len: number): Int32Array {
    const words = this.hb!.words;
    if (words !== null) return words;
    const w = new Int32Array(len >>> 2);
    const v = new DataView(this.buf.buffer, this.buf.byteOffset, len);
    for (let i = 0; i < w.length; i++) w[i] = v.getInt32(i * 4, true);
    return w;
  }

  /** Pads, compresses what is left in one call, and hands the buffers on. Returns the state. */
  private finish(): Int32Array {
    if (this.hb === null) throw new Error('sink is not in hash mode');
    const buf = this.buf;
    const len = this.pos; // at most CHUNK: the padding fits in the 128 spare bytes
    const bits = (this.hashed + len) * 8;
    buf[len] = 0x80;
    const end = (len + 72) & ~63;
    buf.fill(0, len + 1, end - 8);
    const lo = bits >>> 0;
    const hi = Math.floor(bits / 0x1_0000_0000) >>> 0;
    for (let i = 0; i < 4; i++) {
      buf[end - 8 + i] = lo >>> (8 * i);
      buf[end - 4 + i] = hi >>> (8 * i);
    }
    const state = this.hb.state;
    md5Blocks(state, this.wordsOf(end), 0, end >>> 6);
    this.pos = 0;
    spare = this.hb;
    return state;
  }

  /** The 16-byte MD5 of everything written (hash mode). Ends the sink. */
  digest(): Uint8Array {
    const state = this.finish();
    const out = new Uint8Array(16);
    for (let i = 0; i < 4; i++) {
      const w = state[i]!;
      out[4 * i] = w;
      out[4 * i + 1] = w >>> 8;
      out[4 * i + 2] = w >>> 16;
      out[4 * i + 3] = w >>> 24;
    }
    return out;
  }

  /** {@link digest} as 32 lower-case hex characters, without the byte array. */
  hexDigest(): string {
    const state = this.finish();
    const codes = HEX_CODES;
    for (let i = 0; i < 16; i++) {
      const b = (state[i >> 2]! >>> ((i & 3) * 8)) & 0xff;
      codes[2 * i] = hexCode(b >> 4);
      codes[2 * i + 1] = hexCode(b & 15);
    }
    return String.fromCharCode.apply(null, codes);
  }

  /** The bytes written (collect mode). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}
