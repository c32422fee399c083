import { openData, sealData } from '@sc4it/crypto';
import { DeploymentError, DecodeError, bytesToUtf8, utf8ToBytes, type Deployment } from '@sc4it/types';

/** tfchain `MaxDeploymentDataLength` (chain-and-billing.md §1). */
export const MAX_DEPLOYMENT_DATA = 512;

/**
 * What the SDK seals into a node contract's `deployment_data`: enough to find and recognise the
 * deployment again from the chain alone, readable only by the chosen keys.
 */
export interface DeploymentSummary {
  /** Format version. */
  v: 1;
  /** The deployment's name: the first zmachine's name, else the first workload's. */
  name: string;
  node: number;
  /** Owner twin. */
  twin: number;
  /** Unix seconds when the summary was written. */
  at: number;
  /** Workloads as `[name, type]`; dropped when the summary would not fit. */
  workloads?: [string, string][];
  /** The deployment's metadata text, when it fits. */
  metadata?: string;
  /** Free text from the caller (e.g. a project name), when it fits. */
  note?: string;
}

export interface SealSummaryOptions {
  nodeId: number;
  /** secp256k1 public keys (33 bytes) allowed to open it; the owner's own key first. */
  recipients: Uint8Array[];
  note?: string;
  /** Unix seconds. @default now */
  now?: number;
}

/** The summary of `deployment`, with every optional field present. */
export function summarize(deployment: Deployment, nodeId: number, now: number, note?: string): DeploymentSummary {
  const vm = deployment.workloads.find((w) => w.type === 'zmachine' || w.type === 'zmachine-light');
  const name = vm?.name ?? deployment.workloads[0]?.name ?? '';
  return {
    v: 1,
    name,
    node: nodeId,
    twin: Number(deployment.twin_id),
    at: now,
    workloads: deployment.workloads.map((w) => [w.name, w.type]),
    ...(deployment.metadata === '' ? {} : { metadata: deployment.metadata }),
    ...(note === undefined ? {} : { note }),
  };
}

/**
 * Seals the deployment's summary for `recipients` with `@sc4it/crypto` `sealData`, dropping the
 * least important fields (note, metadata, workload list) until it fits the chain's 512 bytes.
 * @throws {DeploymentError} `deployment.data_too_large` when even the minimal summary does not fit
 * (too many recipients: each one costs 48 bytes).
 */
export function sealSummary(deployment: Deployment, options: SealSummaryOptions): { sealed: Uint8Array; summary: DeploymentSummary } {
  const full = summarize(deployment, options.nodeId, options.now ?? Math.floor(Date.now() / 1000), options.note);
  const { note: _n, ...noNote } = full;
  const { metadata: _m, ...noMeta } = noNote;
  const { workloads: _w, ...minimal } = noMeta;
  for (const candidate of [full, noNote, noMeta, minimal] as DeploymentSummary[]) {
    const sealed = sealData(utf8ToBytes(JSON.stringify(candidate)), options.recipients);
    if (sealed.length <= MAX_DEPLOYMENT_DATA) return { sealed, summary: candidate };
  }
  throw new DeploymentError('deployment.data_too_large', `the sealed summary does not fit the chain's ${MAX_DEPLOYMENT_DATA} bytes (${options.recipients.length} recipients)`);
}

/**
 * Opens a sealed summary with a secp256k1 private key (the twin's bus key).
 * @throws {CryptoError} from `openData` (`crypto.no_recipient` when not sealed for this key);
 * {@link DecodeError} `decode.summary` when the plaintext is not a summary.
 */
export function openSummary(sealed: Uint8Array, privateKey: Uint8Array): DeploymentSummary {
  const text = bytesToUtf8(openData(sealed, privateKey, { maxPlaintextLength: 64 * 1024 }));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new DecodeError('decode.summary', 'the deployment data is not a JSON summary', { cause });
  }
  const s = value as Partial<DeploymentSummary> | null;
  if (s === null || typeof s !== 'object' || s.v !== 1 || typeof s.name !== 'string' || typeof s.node !== 'number' || typeof s.twin !== 'number') {
    throw new DecodeError('decode.summary', 'the deployment data is not a version 1 summary');
  }
  return s as DeploymentSummary;
}
