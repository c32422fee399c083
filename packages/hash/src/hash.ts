import { DecodeError, bytesToHex, utf8ToBytes } from '@sc4it/types';
import { TextOut, writeDeployment } from './challenge.ts';
import { Sink } from './sink.ts';

/**
 * A zos deployment exactly as `JSON.parse` returns it (snake_case keys, see `Deployment` in
 * `@sc4it/types`). 64-bit integers may also be `bigint`s or decimal strings.
 */
export type DeploymentInput = object;

/** The `signature_style` that makes the node verify the polkadot{.js} `<Bytes>` wrapper (§4). */
export const POLKA_WALLET_STYLE = 'polka-wallet';

/**
 * The node's challenge text for `deployment` (deployment-hash.md §2): the exact string whose UTF-8
 * bytes zos hashes. Throws `DecodeError` / `DeploymentError` for input the node would reject
 * while decoding (the error's `field` names the offending path).
 */
export function deploymentChallenge(deployment: DeploymentInput): string {
  const out = new TextOut();
  writeDeployment(out, deployment);
  return out.text;
}

/** The 16 raw MD5 bytes of the challenge (zosbase `Deployment.ChallengeHash`). */
export function deploymentDigest(deployment: DeploymentInput): Uint8Array {
  const sink = new Sink('hash');
  writeDeployment(sink, deployment);
  return sink.digest();
}

/** The deployment hash: 32 lower-case hex characters, what the contract stores (§3). */
export function deploymentHash(deployment: DeploymentInput): string {
  const sink = new Sink('hash');
  writeDeployment(sink, deployment);
  return sink.hexDigest();
}

const HASH_HEX = /^[0-9a-f]{32}$/;

/**
 * The on-chain `deployment_hash` (`HexHash = [u8; 32]`): the 32 ASCII bytes of the lower-case hex
 * text, not the 16-byte digest (§3). Anything but 32 lower-case hex characters is refused, since
 * the node compares the text exactly and an upper-case or `0x`-prefixed hash never matches.
 */
export function contractHashBytes(hashHex: string): Uint8Array {
  if (typeof hashHex !== 'string' || !HASH_HEX.test(hashHex)) {
    throw new DecodeError('decode.deployment_hash', 'expected 32 lower-case hex characters', {
      field: 'deployment_hash',
    });
  }
  return utf8ToBytes(hashHex);
}

/**
 * The bytes a twin signs for a deployment (§4): the 16 raw digest bytes, or, for
 * `signature_style: "polka-wallet"`, the ASCII text `<Bytes>` + hex(digest) + `</Bytes>`.
 * Any other style is verified by the node against the raw digest.
 */
export function signingMessage(digest: Uint8Array, style = ''): Uint8Array {
  if (!(digest instanceof Uint8Array) || digest.length !== 16) {
    throw new DecodeError('decode.digest', 'expected the 16-byte MD5 digest', { field: 'digest' });
  }
  if (style === POLKA_WALLET_STYLE) return utf8ToBytes(`<Bytes>${bytesToHex(digest)}</Bytes>`);
  return Uint8Array.from(digest);
}

/** {@link signingMessage} for `deployment`'s digest and its own `signature_style`. */
export function bytesToSign(deployment: DeploymentInput): Uint8Array {
  const sink = new Sink('hash');
  const style = writeDeployment(sink, deployment);
  return signingMessage(sink.digest(), style);
}
