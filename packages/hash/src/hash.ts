import { DecodeError, bytesToHex, parseDeployment, utf8ToBytes } from '@sc4it/types';
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

/**
 * {@link deploymentHash} of zos JSON *text*, read as the node reads it: Go's decoder runs on the
 * text itself (`@sc4it/types` lossless parser), so what `JSON.parse` would erase is decided as the
 * node decides it: `1e3` or `1.0` for an integer field is refused, integers above 2^53 stay exact,
 * and of two keys that match one field the last wins. Use it for deployments read from files or
 * the wire; {@link deploymentHash} takes a value already parsed.
 * @throws `DecodeError` `decode.json` for malformed JSON; `DeploymentError` for what the node's
 * decoder refuses (the `Valid()` rules are not run: hashing does not need them).
 */
export function deploymentHashFromJson(text: string): string {
  if (typeof text !== 'string') {
    throw new DecodeError('decode.json', 'expected the deployment as JSON text', { field: 'deployment' });
  }
  return deploymentHash(parseDeployment(text, { validate: false }));
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
