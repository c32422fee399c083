/**
 * The protobufjs runtime used by the generated modules in src/gen, configured once.
 *
 * protobufjs reads 64-bit varints as `Long` only when it can `require('long')` itself; under
 * bundlers and test runners that lookup may fail, and it silently falls back to lossy JS numbers
 * (2^64-1 would read as 2^64). Installing `Long` explicitly makes u64 decoding exact everywhere;
 * the codecs then convert `Long` to `bigint`. This is protobufjs' own default, so other users of
 * the same runtime see no change.
 */
import $protobuf from 'protobufjs/minimal.js';
import Long from 'long';

if ($protobuf.util.Long !== Long) {
  $protobuf.util.Long = Long;
  $protobuf.configure();
}

/** Marker that this module ran; import it before decoding. */
export const protobufRuntimeReady = true;

/** A u64 decoded by protobufjs (`Long`, or a number from a foreign runtime) as a bigint. */
export function longToBigint(v: unknown): bigint {
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'object' && v !== null) {
    const { low, high } = v as { low: number; high: number };
    return (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
  }
  return 0n;
}

/** A bigint in [0, 2^64) as the `{low, high}` object protobufjs' writer accepts. */
export function bigintToLong(b: bigint): Long {
  return Long.fromBits(Number(b & 0xffff_ffffn) | 0, Number(b >> 32n) | 0, true);
}
