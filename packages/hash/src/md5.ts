/**
 * MD5 (RFC 1321) compression, fully unrolled, over little-endian 32-bit words. The challenge hash
 * is the hot path of this package and MD5 dominates it; a generic table-driven loop is several
 * times slower than this form in V8. Used by {@link Sink}; checked against `@noble/hashes` and
 * `node:crypto` in the tests. MD5 is what the node uses for the deployment hash (§3); it is not a
 * security boundary here (signatures are).
 *
 * Each step adds the message word and constant to the older register first and the round
 * function last, so only the round function, one add, the rotation and one add wait for the
 * newest register (V8 does not reassociate); round 2 adds its two disjoint halves, round 3 xors
 * the older pair first. This shortens the dependency chain by about a third (~580 → ~810 MB/s).
 */

/** The initial state (A, B, C, D). */
export function md5Init(state: Int32Array): void {
  state[0] = 0x67452301;
  state[1] = 0xefcdab89 | 0;
  state[2] = 0x98badcfe | 0;
  state[3] = 0x10325476;
}

/** Processes `count` 64-byte blocks of `x` (16 words per block) starting at word `off`. */
export function md5Blocks(state: Int32Array, x: Int32Array, off: number, count: number): void {
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  for (let n = 0; n < count; n++, off += 16) {
    const x0 = x[off]!;
    const x1 = x[off + 1]!;
    const x2 = x[off + 2]!;
    const x3 = x[off + 3]!;
    const x4 = x[off + 4]!;
    const x5 = x[off + 5]!;
    const x6 = x[off + 6]!;
    const x7 = x[off + 7]!;
    const x8 = x[off + 8]!;
    const x9 = x[off + 9]!;
    const x10 = x[off + 10]!;
    const x11 = x[off + 11]!;
    const x12 = x[off + 12]!;
    const x13 = x[off + 13]!;
    const x14 = x[off + 14]!;
    const x15 = x[off + 15]!;
    const aa = a;
    const bb = b;
    const cc = c;
    const dd = d;
    let t: number;
    // Round 1: F = (b & c) | (~b & d), computed as d ^ (b & (c ^ d))
    t = (x0 - 680876936 + a + (d ^ (b & (c ^ d)))) | 0; a = (((t << 7) | (t >>> 25)) + b) | 0;
    t = (x1 - 389564586 + d + (c ^ (a & (b ^ c)))) | 0; d = (((t << 12) | (t >>> 20)) + a) | 0;
    t = (x2 + 606105819 + c + (b ^ (d & (a ^ b)))) | 0; c = (((t << 17) | (t >>> 15)) + d) | 0;
    t = (x3 - 1044525330 + b + (a ^ (c & (d ^ a)))) | 0; b = (((t << 22) | (t >>> 10)) + c) | 0;
    t = (x4 - 176418897 + a + (d ^ (b & (c ^ d)))) | 0; a = (((t << 7) | (t >>> 25)) + b) | 0;
    t = (x5 + 1200080426 + d + (c ^ (a & (b ^ c)))) | 0; d = (((t << 12) | (t >>> 20)) + a) | 0;
    t = (x6 - 1473231341 + c + (b ^ (d & (a ^ b)))) | 0; c = (((t << 17) | (t >>> 15)) + d) | 0;
    t = (x7 - 45705983 + b + (a ^ (c & (d ^ a)))) | 0; b = (((t << 22) | (t >>> 10)) + c) | 0;
    t = (x8 + 1770035416 + a + (d ^ (b & (c ^ d)))) | 0; a = (((t << 7) | (t >>> 25)) + b) | 0;
    t = (x9 - 1958414417 + d + (c ^ (a & (b ^ c)))) | 0; d = (((t << 12) | (t >>> 20)) + a) | 0;
    t = (x10 - 42063 + c + (b ^ (d & (a ^ b)))) | 0; c = (((t << 17) | (t >>> 15)) + d) | 0;
    t = (x11 - 1990404162 + b + (a ^ (c & (d ^ a)))) | 0; b = (((t << 22) | (t >>> 10)) + c) | 0;
    t = (x12 + 1804603682 + a + (d ^ (b & (c ^ d)))) | 0; a = (((t << 7) | (t >>> 25)) + b) | 0;
    t = (x13 - 40341101 + d + (c ^ (a & (b ^ c)))) | 0; d = (((t << 12) | (t >>> 20)) + a) | 0;
    t = (x14 - 1502002290 + c + (b ^ (d & (a ^ b)))) | 0; c = (((t << 17) | (t >>> 15)) + d) | 0;
    t = (x15 + 1236535329 + b + (a ^ (c & (d ^ a)))) | 0; b = (((t << 22) | (t >>> 10)) + c) | 0;
    // Round 2: G = (b & d) | (c & ~d), computed as (c & ~d) + (b & d) (disjoint bits)
    t = (x1 - 165796510 + a + (c & ~d) + (b & d)) | 0; a = (((t << 5) | (t >>> 27)) + b) | 0;
    t = (x6 - 1069501632 + d + (b & ~c) + (a & c)) | 0; d = (((t << 9) | (t >>> 23)) + a) | 0;
    t = (x11 + 643717713 + c + (a & ~b) + (d & b)) | 0; c = (((t << 14) | (t >>> 18)) + d) | 0;
    t = (x0 - 373897302 + b + (d & ~a) + (c & a)) | 0; b = (((t << 20) | (t >>> 12)) + c) | 0;
    t = (x5 - 701558691 + a + (c & ~d) + (b & d)) | 0; a = (((t << 5) | (t >>> 27)) + b) | 0;
    t = (x10 + 38016083 + d + (b & ~c) + (a & c)) | 0; d = (((t << 9) | (t >>> 23)) + a) | 0;
    t = (x15 - 660478335 + c + (a & ~b) + (d & b)) | 0; c = (((t << 14) | (t >>> 18)) + d) | 0;
    t = (x4 - 405537848 + b + (d & ~a) + (c & a)) | 0; b = (((t << 20) | (t >>> 12)) + c) | 0;
    t = (x9 + 568446438 + a + (c & ~d) + (b & d)) | 0; a = (((t << 5) | (t >>> 27)) + b) | 0;
    t = (x14 - 1019803690 + d + (b & ~c) + (a & c)) | 0; d = (((t << 9) | (t >>> 23)) + a) | 0;
    t = (x3 - 187363961 + c + (a & ~b) + (d & b)) | 0; c = (((t << 14) | (t >>> 18)) + d) | 0;
    t = (x8 + 1163531501 + b + (d & ~a) + (c & a)) | 0; b = (((t << 20) | (t >>> 12)) + c) | 0;
    t = (x13 - 1444681467 + a + (c & ~d) + (b & d)) | 0; a = (((t << 5) | (t >>> 27)) + b) | 0;
    t = (x2 - 51403784 + d + (b & ~c) + (a & c)) | 0; d = (((t << 9) | (t >>> 23)) + a) | 0;
    t = (x7 + 1735328473 + c + (a & ~b) + (d & b)) | 0; c = (((t << 14) | (t >>> 18)) + d) | 0;
    t = (x12 - 1926607734 + b + (d & ~a) + (c & a)) | 0; b = (((t << 20) | (t >>> 12)) + c) | 0;
    // Round 3: H = b ^ (c ^ d)
    t = (x5 - 378558 + a + (b ^ (c ^ d))) | 0; a = (((t << 4) | (t >>> 28)) + b) | 0;
    t = (x8 - 2022574463 + d + (a ^ (b ^ c))) | 0; d = (((t << 11) | (t >>> 21)) + a) | 0;
    t = (x11 + 1839030562 + c + (d ^ (a ^ b))) | 0; c = (((t << 16) | (t >>> 16)) + d) | 0;
    t = (x14 - 35309556 + b + (c ^ (d ^ a))) | 0; b = (((t << 23) | (t >>> 9)) + c) | 0;
    t = (x1 - 1530992060 + a + (b ^ (c ^ d))) | 0; a = (((t << 4) | (t >>> 28)) + b) | 0;
    t = (x4 + 1272893353 + d + (a ^ (b ^ c))) | 0; d = (((t << 11) | (t >>> 21)) + a) | 0;
    t = (x7 - 155497632 + c + (d ^ (a ^ b))) | 0; c = (((t << 16) | (t >>> 16)) + d) | 0;
    t = (x10 - 1094730640 + b + (c ^ (d ^ a))) | 0; b = (((t << 23) | (t >>> 9)) + c) | 0;
    t = (x13 + 681279174 + a + (b ^ (c ^ d))) | 0; a = (((t << 4) | (t >>> 28)) + b) | 0;
    t = (x0 - 358537222 + d + (a ^ (b ^ c))) | 0; d = (((t << 11) | (t >>> 21)) + a) | 0;
    t = (x3 - 722521979 + c + (d ^ (a ^ b))) | 0; c = (((t << 16) | (t >>> 16)) + d) | 0;
    t = (x6 + 76029189 + b + (c ^ (d ^ a))) | 0; b = (((t << 23) | (t >>> 9)) + c) | 0;
    t = (x9 - 640364487 + a + (b ^ (c ^ d))) | 0; a = (((t << 4) | (t >>> 28)) + b) | 0;
    t = (x12 - 421815835 + d + (a ^ (b ^ c))) | 0; d = (((t << 11) | (t >>> 21)) + a) | 0;
    t = (x15 + 530742520 + c + (d ^ (a ^ b))) | 0; c = (((t << 16) | (t >>> 16)) + d) | 0;
    t = (x2 - 995338651 + b + (c ^ (d ^ a))) | 0; b = (((t << 23) | (t >>> 9)) + c) | 0;
    // Round 4: I = c ^ (b | ~d)
    t = (x0 - 198630844 + a + (c ^ (b | ~d))) | 0; a = (((t << 6) | (t >>> 26)) + b) | 0;
    t = (x7 + 1126891415 + d + (b ^ (a | ~c))) | 0; d = (((t << 10) | (t >>> 22)) + a) | 0;
    t = (x14 - 1416354905 + c + (a ^ (d | ~b))) | 0; c = (((t << 15) | (t >>> 17)) + d) | 0;
    t = (x5 - 57434055 + b + (d ^ (c | ~a))) | 0; b = (((t << 21) | (t >>> 11)) + c) | 0;
    t = (x12 + 1700485571 + a + (c ^ (b | ~d))) | 0; a = (((t << 6) | (t >>> 26)) + b) | 0;
    t = (x3 - 1894986606 + d + (b ^ (a | ~c))) | 0; d = (((t << 10) | (t >>> 22)) + a) | 0;
    t = (x10 - 1051523 + c + (a ^ (d | ~b))) | 0; c = (((t << 15) | (t >>> 17)) + d) | 0;
    t = (x1 - 2054922799 + b + (d ^ (c | ~a))) | 0; b = (((t << 21) | (t >>> 11)) + c) | 0;
    t = (x8 + 1873313359 + a + (c ^ (b | ~d))) | 0; a = (((t << 6) | (t >>> 26)) + b) | 0;
    t = (x15 - 30611744 + d + (b ^ (a | ~c))) | 0; d = (((t << 10) | (t >>> 22)) + a) | 0;
    t = (x6 - 1560198380 + c + (a ^ (d | ~b))) | 0; c = (((t << 15) | (t >>> 17)) + d) | 0;
    t = (x13 + 1309151649 + b + (d ^ (c | ~a))) | 0; b = (((t << 21) | (t >>> 11)) + c) | 0;
    t = (x4 - 145523070 + a + (c ^ (b | ~d))) | 0; a = (((t << 6) | (t >>> 26)) + b) | 0;
    t = (x11 - 1120210379 + d + (b ^ (a | ~c))) | 0; d = (((t << 10) | (t >>> 22)) + a) | 0;
    t = (x2 + 718787259 + c + (a ^ (d | ~b))) | 0; c = (((t << 15) | (t >>> 17)) + d) | 0;
    t = (x9 - 343485551 + b + (d ^ (c | ~a))) | 0; b = (((t << 21) | (t >>> 11)) + c) | 0;
    a = (a + aa) | 0;
    b = (b + bb) | 0;
    c = (c + cc) | 0;
    d = (d + dd) | 0;
  }
  state[0] = a;
  state[1] = b;
  state[2] = c;
  state[3] = d;
}
