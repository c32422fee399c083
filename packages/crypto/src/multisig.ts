import { bytesToSign } from '@sc4it/hash';
import { DeploymentError, type Deployment, type KeyType, type Signature, type SignatureRequest } from '@sc4it/types';
import { badInput } from './fail.ts';
import { goEd25519Verify } from './go-ed25519.ts';
import { verifySignature } from './signature.ts';

/** A twin's account key as the chain knows it (twin → account id → 32-byte public key). */
export interface TwinKey {
  publicKey: Uint8Array;
  keyType: KeyType;
}

/** Resolves a twin's key; `null` (or a rejection) when the twin or its key cannot be found. */
export type GetTwinKey = (twinId: number) => Promise<TwinKey | null> | TwinKey | null;

/**
 * - `zos` (default): exactly the node's `Deployment.Verify` (deployment-hash.md §5), quirks
 *   included: EVERY listed request needs a valid signature, optional or not; duplicate requests
 *   count twice; the curve comes from `signature_type` (anything but `sr25519` is ed25519);
 *   weights add up as Go `uint` (mod 2^64); ed25519 is Go's `crypto/ed25519` check; an sr25519
 *   signature is cut or zero-padded to 64 bytes (Go copies it into a `[64]byte`).
 * - `strict-weights`: the rule the spec intended: unsigned optional requests are skipped, required
 *   ones (and the originator) must sign, any signature present must be valid, the collected weight
 *   must reach `weight_required`; duplicate requests are rejected; `signature_type` must name the
 *   twin's key type.
 */
export type MultisigPolicy = 'zos' | 'strict-weights';

export interface VerifyDeploymentOptions {
  /** @default 'zos' */
  policy?: MultisigPolicy;
}

/** Per-request outcome. */
export type RequestState = 'signed' | 'unsigned' | 'invalid' | 'key_unavailable';

/** Where a deployment stands in a multisig workflow. */
export interface MultisigStatus {
  policy: MultisigPolicy;
  /** The deployment's originator (`twin_id`). */
  originator: number;
  originatorListed: boolean;
  /** `weight_required` (as a number: rounded above 2^53; the check itself is exact). */
  weightRequired: number;
  /**
   * Sum of the weights of requests with a valid signature (a duplicate request counts twice);
   * `zos` wraps it mod 2^64 as the node's `uint` does. A number: rounded above 2^53.
   */
  weightCollected: number;
  /** Requested twins with a valid signature, in request order, without repeats. */
  signed: number[];
  /** Requested twins that have not signed yet. */
  missing: number[];
  /** Of `missing`: the ones that must sign (required, or the originator). */
  missingRequired: number[];
  /** Requested twins whose signature is present but does not verify (or is not hex). */
  invalid: number[];
  /** Requested twins whose key could not be resolved. */
  keyUnavailable: number[];
  /** Twins that signed without being requested (the node ignores them). */
  unrequested: number[];
  /** Twins requested more than once. */
  duplicateRequests: number[];
  /** Per request, in order. */
  requests: { twinId: number; required: boolean; weight: number; state: RequestState }[];
  /** True when {@link verifyDeployment} with this policy would accept the deployment. */
  complete: boolean;
  /** The error {@link verifyDeployment} would throw, when not complete. */
  error?: DeploymentError;
}

// Error texts of zosbase pkg/gridtypes/deployment.go `Verify`, kept verbatim in `upstream`.
const ZOS = {
  missing: (id: number) => `missing required signature for twin '${id}'`,
  key: (id: number) => `failed to get public key for twin '${id}'`,
  hex: 'invalid signature',
  verify: 'failed to verify signature',
  originator: 'originator twin id must be in the signature requests',
  weight: 'required signature weight is not reached',
};

function deploymentError(code: `deployment.${string}`, message: string, upstream: string, field?: string): DeploymentError {
  return new DeploymentError(code, message, field === undefined ? { upstream } : { upstream, field });
}

/** Go's strconv.IsPrint for a byte value (used by encoding/hex's `%#U` error text). */
function goIsPrint(b: number): boolean {
  return (b >= 0x20 && b <= 0x7e) || (b >= 0xa1 && b <= 0xff && b !== 0xad);
}

/**
 * Go `hex.DecodeString` on a JS string: the bytes, or Go's error text. Go decodes the string's
 * UTF-8 bytes; both cases of hex digits are accepted.
 */
function goHexDecode(text: string): Uint8Array | string {
  const src = new TextEncoder().encode(text);
  const val = (c: number): number =>
    c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
  const invalid = (c: number): string =>
    `encoding/hex: invalid byte: U+${c.toString(16).toUpperCase().padStart(4, '0')}${goIsPrint(c) ? ` '${String.fromCharCode(c)}'` : ''}`;
  const out = new Uint8Array(src.length >> 1);
  let i = 0;
  for (; i < out.length; i++) {
    const hi = val(src[2 * i]!);
    if (hi < 0) return invalid(src[2 * i]!);
    const lo = val(src[2 * i + 1]!);
    if (lo < 0) return invalid(src[2 * i + 1]!);
    out[i] = (hi << 4) | lo;
  }
  if (src.length % 2 === 1) {
    if (val(src[2 * i]!) < 0) return invalid(src[2 * i]!);
    return 'encoding/hex: odd length hex string';
  }
  return out;
}

const U64 = 1n << 64n;

/** A u64 as the deployment carries it (number, bigint or decimal string; `bytesToSign` checked it). */
function u64Of(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' || typeof v === 'string') return BigInt(v);
  return 0n;
}

/** A u32 twin id; absent or `null` is Go's zero value. */
function twinOf(v: unknown): number {
  return typeof v === 'number' || typeof v === 'bigint' ? Number(v) : 0;
}

/**
 * The requirement with Go's zero values where JSON has `null` or leaves fields out (a `null`
 * list entry decodes to a zero struct in Go: twin 0, not required, weight 0, empty signature).
 */
function requirementOf(deployment: Deployment): { requests: SignatureRequest[]; signatures: Signature[]; weightRequired: bigint } {
  const r = deployment.signature_requirement as Partial<Deployment['signature_requirement']> | null | undefined;
  const requests = (Array.isArray(r?.requests) ? r.requests : []) as (Partial<SignatureRequest> | null)[];
  const signatures = (Array.isArray(r?.signatures) ? r.signatures : []) as (Partial<Signature> | null)[];
  return {
    requests: requests.map((q) => ({ twin_id: twinOf(q?.twin_id), required: q?.required === true, weight: q?.weight ?? 0 })),
    signatures: signatures.map((s) => ({
      twin_id: twinOf(s?.twin_id),
      signature: typeof s?.signature === 'string' ? s.signature : '',
      signature_type: typeof s?.signature_type === 'string' ? s.signature_type : '',
    })),
    weightRequired: u64Of(r?.weight_required),
  };
}

/** go-schnorrkel reads the signature through `copy(sigs[:], signature)` into a `[64]byte`. */
function goSr25519Bytes(sig: Uint8Array): Uint8Array {
  if (sig.length === 64) return sig;
  const out = new Uint8Array(64);
  out.set(sig.subarray(0, 64));
  return out;
}

/** The node's check of one signature (zosbase deployment.go `Verify` → `Verifier.Verify`). */
function zosVerify(curve: KeyType, publicKey: Uint8Array, message: Uint8Array, sig: Uint8Array): boolean {
  if (curve === 'ed25519') return goEd25519Verify(publicKey, message, sig);
  return verifySignature('sr25519', publicKey, message, goSr25519Bytes(sig));
}

/** strict-weights: RFC 8032 strict AND what the node accepts (so strict never admits more). */
function strictVerify(curve: KeyType, publicKey: Uint8Array, message: Uint8Array, sig: Uint8Array): boolean {
  if (!verifySignature(curve, publicKey, message, sig)) return false;
  return curve !== 'ed25519' || goEd25519Verify(publicKey, message, sig);
}

async function resolveKey(getTwinKey: GetTwinKey, twinId: number): Promise<TwinKey | null> {
  try {
    return (await getTwinKey(twinId)) ?? null;
  } catch {
    return null;
  }
}

interface Evaluated {
  status: MultisigStatus;
}

/**
 * Evaluates every request (resolving keys and verifying signatures) and records the FIRST error
 * in the policy's order, so that `verifyDeployment` and `multisigStatus` agree.
 */
async function evaluate(deployment: Deployment, getTwinKey: GetTwinKey, policy: MultisigPolicy): Promise<Evaluated> {
  if (policy !== 'zos' && policy !== 'strict-weights') throw badInput('policy', "expected 'zos' or 'strict-weights'");
  const message = bytesToSign(deployment);
  const { requests, signatures, weightRequired } = requirementOf(deployment);
  const originator = twinOf(deployment.twin_id);
  let collected = 0n;
  const firstSignature = (twin: number): Signature | undefined => signatures.find((s) => s.twin_id === twin);
  const keyCache = new Map<number, Promise<TwinKey | null>>();
  const keyOf = (twin: number): Promise<TwinKey | null> => {
    let p = keyCache.get(twin);
    if (p === undefined) keyCache.set(twin, (p = resolveKey(getTwinKey, twin)));
    return p;
  };

  const status: MultisigStatus = {
    policy,
    originator,
    originatorListed: false,
    weightRequired: Number(weightRequired),
    weightCollected: 0,
    signed: [],
    missing: [],
    missingRequired: [],
    invalid: [],
    keyUnavailable: [],
    unrequested: [],
    duplicateRequests: [],
    requests: [],
    complete: false,
  };
  const note = (err: DeploymentError): void => {
    status.error ??= err;
  };
  const seen = new Set<number>();
  const addOnce = (list: number[], twin: number): void => {
    if (!list.includes(twin)) list.push(twin);
  };

  for (const [index, request] of requests.entries()) {
    const twin = request.twin_id;
    const weight = u64Of(request.weight);
    const field = `signature_requirement.requests[${index}]`;
    let required = request.required === true;
    if (twin === originator) {
      status.originatorListed = true;
      required = true; // zos forces the originator's request to be required
    }
    if (seen.has(twin)) {
      addOnce(status.duplicateRequests, twin);
      if (policy === 'strict-weights') {
        note(new DeploymentError('deployment.duplicate_request', `twin ${twin} is requested more than once`, { field }));
      }
    }
    seen.add(twin);
    const sig = firstSignature(twin);
    const entry = { twinId: twin, required, weight: Number(weight), state: 'unsigned' as RequestState };
    status.requests.push(entry);

    if (sig === undefined) {
      addOnce(status.missing, twin);
      if (required) {
        addOnce(status.missingRequired, twin);
        note(deploymentError('deployment.missing_required_signature', `twin ${twin} must sign the deployment`, ZOS.missing(twin), field));
        continue;
      }
      if (policy === 'strict-weights') continue; // optional and absent: skipped
      // zos quirk: an absent optional signature is still verified (as an empty one) after the key
      // lookup, and fails.
      if ((await keyOf(twin)) === null) {
        entry.state = 'key_unavailable';
        addOnce(status.keyUnavailable, twin);
        note(deploymentError('deployment.twin_key_unavailable', `no public key for twin ${twin}`, ZOS.key(twin), field));
      } else {
        note(deploymentError('deployment.signature_verification_failed', `twin ${twin} has not signed (the node requires every requested signature)`, ZOS.verify, field));
      }
      continue;
    }

    const key = await keyOf(twin);
    if (key === null) {
      entry.state = 'key_unavailable';
      addOnce(status.keyUnavailable, twin);
      note(deploymentError('deployment.twin_key_unavailable', `no public key for twin ${twin}`, ZOS.key(twin), field));
      continue;
    }
    const bytes = goHexDecode(typeof sig.signature === 'string' ? sig.signature : '');
    if (typeof bytes === 'string') {
      entry.state = 'invalid';
      addOnce(status.invalid, twin);
      note(deploymentError('deployment.invalid_signature', `signature of twin ${twin} is not hex`, `${ZOS.hex}: ${bytes}`, field));
      continue;
    }
    let curve: KeyType = sig.signature_type === 'sr25519' ? 'sr25519' : 'ed25519';
    let ok: boolean;
    if (policy === 'strict-weights' && sig.signature_type !== key.keyType) {
      ok = false;
      curve = key.keyType;
    } else {
      try {
        ok = policy === 'zos' ? zosVerify(curve, key.publicKey, message, bytes) : strictVerify(curve, key.publicKey, message, bytes);
      } catch {
        ok = false; // a malformed key from the resolver
      }
    }
    if (!ok) {
      entry.state = 'invalid';
      addOnce(status.invalid, twin);
      note(deploymentError('deployment.signature_verification_failed', `signature of twin ${twin} does not verify`, ZOS.verify, field));
      continue;
    }
    entry.state = 'signed';
    addOnce(status.signed, twin);
    // zos: Go `uint` arithmetic, wrapping at 2^64; strict-weights: the exact sum.
    collected = policy === 'zos' ? (collected + weight) % U64 : collected + weight;
  }
  status.weightCollected = Number(collected);

  for (const s of signatures) if (!seen.has(s.twin_id)) addOnce(status.unrequested, s.twin_id);
  if (!status.originatorListed) {
    note(deploymentError('deployment.originator_not_in_requests', `originator twin ${originator} is not among the signature requests`, ZOS.originator, 'signature_requirement.requests'));
  }
  if (collected < weightRequired) {
    note(deploymentError('deployment.weight_not_reached', `signature weight ${collected} is below the required ${weightRequired}`, ZOS.weight, 'signature_requirement.weight_required'));
  }
  status.complete = status.error === undefined;
  return { status };
}

/**
 * Verifies a deployment's signatures as the node does (policy `zos`, the default) or by the
 * cleaner `strict-weights` rule (see {@link MultisigPolicy}).
 * @param getTwinKey - resolves a twin's account key (chain: twin → account id); called at most
 *   once per twin.
 * @returns the {@link MultisigStatus} (complete) when the deployment is accepted.
 * @throws {DeploymentError} at the first failure in the node's order, with the zos error text in
 *   `upstream`: `deployment.missing_required_signature`, `deployment.twin_key_unavailable`,
 *   `deployment.invalid_signature` (not hex), `deployment.signature_verification_failed`,
 *   `deployment.originator_not_in_requests`, `deployment.weight_not_reached`;
 *   `deployment.duplicate_request` (strict-weights only).
 */
export async function verifyDeployment(deployment: Deployment, getTwinKey: GetTwinKey, options: VerifyDeploymentOptions = {}): Promise<MultisigStatus> {
  const { status } = await evaluate(deployment, getTwinKey, options.policy ?? 'zos');
  if (status.error) throw status.error;
  return status;
}

/**
 * Where a multisig deployment stands: who has signed validly, the weight collected against the
 * weight required, who is missing (and which of them must sign), plus invalid and unrequested
 * signatures. Never throws for signature problems; `complete` / `error` tell what
 * {@link verifyDeployment} would do under the same policy.
 */
export async function multisigStatus(deployment: Deployment, getTwinKey: GetTwinKey, options: VerifyDeploymentOptions = {}): Promise<MultisigStatus> {
  return (await evaluate(deployment, getTwinKey, options.policy ?? 'zos')).status;
}
