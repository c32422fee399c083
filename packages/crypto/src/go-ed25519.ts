import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, equalBytes } from '@sc4it/types';

const Point = ed25519.Point;
const L = Point.Fn.ORDER;

function leToBigint(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

/**
 * Go `crypto/ed25519.Verify`, which zos runs on deployment signatures (zosbase
 * pkg/gridtypes/deployment.go `Ed25519VerifyingKey`). It differs from strict RFC 8032 checking
 * (`verifySignature`) on crafted inputs, so the `zos` multisig policy needs its exact rule:
 * - the public key is decoded as filippo.io/edwards25519 `SetBytes` does: non-canonical `y` and
 *   small-order points are accepted (noble's ZIP-215 decoding is the same set);
 * - `S` must be canonical (< L), the signature exactly 64 bytes;
 * - the check is cofactorless: `encode([S]B − [k]A)` must equal the signature's `R` bytes, so an
 *   `R` with a small-order component fails where a cofactored check passes.
 * A public key that is not 32 bytes makes Go panic; here it is simply not valid.
 */
export function goEd25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64 || (signature[63]! & 0xe0) !== 0) return false;
  let A: InstanceType<typeof Point>;
  try {
    A = Point.fromBytes(publicKey, true);
  } catch {
    return false;
  }
  const s = leToBigint(signature.subarray(32));
  if (s >= L) return false;
  const r = signature.subarray(0, 32);
  const k = leToBigint(sha512(concatBytes(r, publicKey, message))) % L;
  const check = Point.BASE.multiplyUnsafe(s).subtract(A.multiplyUnsafe(k));
  return equalBytes(check.toBytes(), r);
}
