import type { ChainCall, KeyType, Power, Resources, SignedTransaction } from '@sc4it/types';
import { decodeFailure } from './errors.ts';

/**
 * Strict decoding of calls and transactions from untrusted input (JSON-RPC or JS callers):
 * the checks SCALE decoding does on tfchain (types, integer ranges, bounded lengths). Anything
 * else is refused with `CouldNotDecode` and the offending field; nothing touches state.
 */
export const U32_MAX = 0xffffffff;
export const U64_MAX = (1n << 64n) - 1n;
export const U128_MAX = (1n << 128n) - 1n;
export const MAX_DEPLOYMENT_DATA = 512;
export const MAX_RELAY_LENGTH = 1024;
export const MAX_PK_LENGTH = 128;
export const MAX_IP4_LENGTH = 18;
export const MAX_GW4_LENGTH = 15;
export const MAX_FARM_IPS = 256;
/** Sanity bound on list arguments (reports per call). */
export const MAX_LIST = 10_000;
/** Sanity bound on free-text arguments before the pallet's own checks. */
export const MAX_TEXT = 1024;
/** Sanity bound on a solution provider's receivers (Σtake ≤ 50 is checked by the call). */
export const MAX_PROVIDERS = 64;

type Obj = Record<string, unknown>;

function obj(v: unknown, field: string, keys: readonly string[], optional: readonly string[] = []): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) {
    throw decodeFailure(field, 'expected an object');
  }
  const o = v as Obj;
  for (const k of Object.keys(o)) {
    if (o[k] === undefined) continue;
    if (!keys.includes(k) && !optional.includes(k)) throw decodeFailure(`${field}.${k}`, 'unknown field');
  }
  for (const k of keys) if (!(k in o) || o[k] === undefined) throw decodeFailure(`${field}.${k}`, 'missing field');
  return o;
}

export function u32(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > U32_MAX) {
    throw decodeFailure(field, 'expected an integer in 0..2^32-1');
  }
  return v;
}

/** Unix seconds or another u64 carried as a JS number: must be a safe non-negative integer. */
export function u64num(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw decodeFailure(field, 'expected a non-negative safe integer');
  }
  return v;
}

export function u64(v: unknown, field: string): bigint {
  if (typeof v !== 'bigint' || v < 0n || v > U64_MAX) throw decodeFailure(field, 'expected a bigint in 0..2^64-1');
  return v;
}

export function u128(v: unknown, field: string): bigint {
  if (typeof v !== 'bigint' || v < 0n || v > U128_MAX) throw decodeFailure(field, 'expected a bigint in 0..2^128-1');
  return v;
}

export function bytes(v: unknown, field: string, max: number, exact?: number): Uint8Array {
  if (!(v instanceof Uint8Array)) throw decodeFailure(field, 'expected bytes');
  if (exact !== undefined && v.length !== exact) throw decodeFailure(field, `expected exactly ${exact} bytes`);
  if (v.length > max) throw decodeFailure(field, `longer than ${max} bytes`);
  return v.slice();
}

export function text(v: unknown, field: string, maxBytes: number): string {
  if (typeof v !== 'string') throw decodeFailure(field, 'expected a string');
  if (Buffer.byteLength(v, 'utf8') > maxBytes) throw decodeFailure(field, `longer than ${maxBytes} bytes`);
  return v;
}

function list(v: unknown, field: string, max: number): unknown[] {
  if (!Array.isArray(v)) throw decodeFailure(field, 'expected a list');
  if (v.length > max) throw decodeFailure(field, `more than ${max} entries`);
  return v;
}

function optU64(v: unknown, field: string): bigint | null {
  return v === undefined || v === null ? null : u64(v, field);
}

function bool(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') throw decodeFailure(field, 'expected a boolean');
  return v;
}

function power(v: unknown, field: string): Power {
  if (v !== 'Up' && v !== 'Down') throw decodeFailure(field, 'expected Up or Down');
  return v;
}

/** A `u8` (solution provider take). */
function u8(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) throw decodeFailure(field, 'expected an integer in 0..255');
  return v;
}

/** The 32 lower-case hex characters of a deployment hash (stored as their 32 ASCII bytes). */
export function hexHash(v: unknown, field: string): string {
  if (typeof v !== 'string') throw decodeFailure(field, 'expected a hex string');
  if (v.length !== 32) throw decodeFailure(field, 'deployment hash must be 32 hex characters');
  if (!/^[0-9a-f]{32}$/.test(v)) throw decodeFailure(field, 'deployment hash must be lower-case hex');
  return v;
}

export function resources(v: unknown, field: string): Resources {
  const o = obj(v, field, ['cru', 'sru', 'hru', 'mru']);
  return {
    cru: u64(o['cru'], `${field}.cru`),
    sru: u64(o['sru'], `${field}.sru`),
    hru: u64(o['hru'], `${field}.hru`),
    mru: u64(o['mru'], `${field}.mru`),
  };
}

function relayPk(a: Obj, f: string): { relay: string | null; pk: Uint8Array | null } {
  return {
    relay: a['relay'] === null ? null : text(a['relay'], `${f}.relay`, MAX_RELAY_LENGTH),
    pk: a['pk'] === null ? null : bytes(a['pk'], `${f}.pk`, MAX_PK_LENGTH),
  };
}

/** Decodes one call; the result is a fresh object the caller cannot mutate afterwards. */
export function decodeCall(v: unknown, field = 'call'): ChainCall {
  const c = obj(v, field, ['method', 'args']);
  const m = c['method'];
  const f = `${field}.args`;
  const raw = c['args'];
  switch (m) {
    case 'createTwin':
    case 'updateTwin': {
      const a = obj(raw, f, ['relay', 'pk']);
      return { method: m, args: relayPk(a, f) };
    }
    case 'createFarm': {
      const a = obj(raw, f, ['name', 'publicIps']);
      const ips = list(a['publicIps'], `${f}.publicIps`, MAX_FARM_IPS).map((x, i) => {
        const p = obj(x, `${f}.publicIps[${i}]`, ['ip', 'gateway']);
        return {
          ip: text(p['ip'], `${f}.publicIps[${i}].ip`, MAX_IP4_LENGTH),
          gateway: text(p['gateway'], `${f}.publicIps[${i}].gateway`, MAX_GW4_LENGTH),
        };
      });
      return { method: m, args: { name: text(a['name'], `${f}.name`, MAX_TEXT), publicIps: ips } };
    }
    case 'addFarmIp': {
      const a = obj(raw, f, ['farmId', 'ip', 'gateway']);
      return {
        method: m,
        args: {
          farmId: u32(a['farmId'], `${f}.farmId`),
          ip: text(a['ip'], `${f}.ip`, MAX_IP4_LENGTH),
          gateway: text(a['gateway'], `${f}.gateway`, MAX_GW4_LENGTH),
        },
      };
    }
    case 'removeFarmIp': {
      const a = obj(raw, f, ['farmId', 'ip']);
      return { method: m, args: { farmId: u32(a['farmId'], `${f}.farmId`), ip: text(a['ip'], `${f}.ip`, MAX_IP4_LENGTH) } };
    }
    case 'createNode': {
      const a = obj(raw, f, ['farmId', 'resources'], ['certification']);
      const cert = a['certification'];
      if (cert !== undefined && cert !== 'Diy' && cert !== 'Certified') {
        throw decodeFailure(`${f}.certification`, 'expected Diy or Certified');
      }
      return {
        method: m,
        args: {
          farmId: u32(a['farmId'], `${f}.farmId`),
          resources: resources(a['resources'], `${f}.resources`),
          ...(cert === undefined ? {} : { certification: cert }),
        },
      };
    }
    case 'createNodeContract': {
      const a = obj(raw, f, ['nodeId', 'deploymentHash', 'deploymentData', 'publicIps'], ['solutionProviderId']);
      return {
        method: m,
        args: {
          nodeId: u32(a['nodeId'], `${f}.nodeId`),
          deploymentHash: hexHash(a['deploymentHash'], `${f}.deploymentHash`),
          deploymentData: bytes(a['deploymentData'], `${f}.deploymentData`, MAX_DEPLOYMENT_DATA),
          publicIps: u32(a['publicIps'], `${f}.publicIps`),
          solutionProviderId: optU64(a['solutionProviderId'], `${f}.solutionProviderId`),
        },
      };
    }
    case 'updateNodeContract': {
      const a = obj(raw, f, ['contractId', 'deploymentHash', 'deploymentData']);
      return {
        method: m,
        args: {
          contractId: u64(a['contractId'], `${f}.contractId`),
          deploymentHash: hexHash(a['deploymentHash'], `${f}.deploymentHash`),
          deploymentData: bytes(a['deploymentData'], `${f}.deploymentData`, MAX_DEPLOYMENT_DATA),
        },
      };
    }
    case 'cancelContract':
    case 'markContractDeployed': {
      const a = obj(raw, f, ['contractId']);
      return { method: m, args: { contractId: u64(a['contractId'], `${f}.contractId`) } };
    }
    case 'cancelContractByNode': {
      const a = obj(raw, f, ['contractId', 'reason']);
      return {
        method: m,
        args: { contractId: u64(a['contractId'], `${f}.contractId`), reason: text(a['reason'], `${f}.reason`, MAX_TEXT) },
      };
    }
    case 'createNameContract': {
      const a = obj(raw, f, ['name']);
      return { method: m, args: { name: text(a['name'], `${f}.name`, MAX_TEXT) } };
    }
    case 'createRentContract': {
      const a = obj(raw, f, ['nodeId'], ['solutionProviderId']);
      return {
        method: m,
        args: {
          nodeId: u32(a['nodeId'], `${f}.nodeId`),
          solutionProviderId: optU64(a['solutionProviderId'], `${f}.solutionProviderId`),
        },
      };
    }
    case 'addReports': {
      const a = obj(raw, f, ['reports']);
      const reports = list(a['reports'], `${f}.reports`, MAX_LIST).map((x, i) => {
        const g = `${f}.reports[${i}]`;
        const r = obj(x, g, ['contractId', 'timestamp', 'cru', 'sru', 'hru', 'mru', 'nru']);
        return {
          contractId: u64(r['contractId'], `${g}.contractId`),
          timestamp: u64num(r['timestamp'], `${g}.timestamp`),
          cru: u64(r['cru'], `${g}.cru`),
          sru: u64(r['sru'], `${g}.sru`),
          hru: u64(r['hru'], `${g}.hru`),
          mru: u64(r['mru'], `${g}.mru`),
          nru: u64(r['nru'], `${g}.nru`),
        };
      });
      return { method: m, args: { reports } };
    }
    case 'reportContractResources': {
      const a = obj(raw, f, ['resources']);
      const res = list(a['resources'], `${f}.resources`, MAX_LIST).map((x, i) => {
        const g = `${f}.resources[${i}]`;
        const r = obj(x, g, ['contractId', 'used']);
        return { contractId: u64(r['contractId'], `${g}.contractId`), used: resources(r['used'], `${g}.used`) };
      });
      return { method: m, args: { resources: res } };
    }
    case 'addNruReports': {
      const a = obj(raw, f, ['reports']);
      const reports = list(a['reports'], `${f}.reports`, MAX_LIST).map((x, i) => {
        const g = `${f}.reports[${i}]`;
        const r = obj(x, g, ['contractId', 'timestamp', 'window', 'nru']);
        return {
          contractId: u64(r['contractId'], `${g}.contractId`),
          timestamp: u64num(r['timestamp'], `${g}.timestamp`),
          window: u64num(r['window'], `${g}.window`),
          nru: u64(r['nru'], `${g}.nru`),
        };
      });
      return { method: m, args: { reports } };
    }
    case 'transfer':
    case 'fund': {
      const a = obj(raw, f, ['to', 'amount']);
      return { method: m, args: { to: bytes(a['to'], `${f}.to`, 32, 32), amount: u128(a['amount'], `${f}.amount`) } };
    }
    case 'setTftPrice': {
      const a = obj(raw, f, ['priceMusd']);
      return { method: m, args: { priceMusd: u32(a['priceMusd'], `${f}.priceMusd`) } };
    }
    case 'userAcceptTc': {
      const a = obj(raw, f, ['documentLink', 'documentHash']);
      return {
        method: m,
        args: {
          documentLink: text(a['documentLink'], `${f}.documentLink`, MAX_TEXT),
          documentHash: text(a['documentHash'], `${f}.documentHash`, MAX_TEXT),
        },
      };
    }
    case 'changePowerState': {
      const a = obj(raw, f, ['power']);
      return { method: m, args: { power: power(a['power'], `${f}.power`) } };
    }
    case 'changePowerTarget': {
      const a = obj(raw, f, ['nodeId', 'power']);
      return { method: m, args: { nodeId: u32(a['nodeId'], `${f}.nodeId`), power: power(a['power'], `${f}.power`) } };
    }
    case 'setFarmDedicated': {
      const a = obj(raw, f, ['farmId', 'dedicated']);
      return { method: m, args: { farmId: u32(a['farmId'], `${f}.farmId`), dedicated: bool(a['dedicated'], `${f}.dedicated`) } };
    }
    case 'setDedicatedNodeExtraFee': {
      const a = obj(raw, f, ['nodeId', 'extraFee']);
      return { method: m, args: { nodeId: u32(a['nodeId'], `${f}.nodeId`), extraFee: u64(a['extraFee'], `${f}.extraFee`) } };
    }
    case 'createSolutionProvider': {
      const a = obj(raw, f, ['description', 'link', 'providers']);
      const providers = list(a['providers'], `${f}.providers`, MAX_PROVIDERS).map((x, i) => {
        const g = `${f}.providers[${i}]`;
        const p = obj(x, g, ['who', 'take']);
        return { who: bytes(p['who'], `${g}.who`, 32, 32), take: u8(p['take'], `${g}.take`) };
      });
      return {
        method: m,
        args: {
          description: text(a['description'], `${f}.description`, MAX_TEXT),
          link: text(a['link'], `${f}.link`, MAX_TEXT),
          providers,
        },
      };
    }
    case 'approveSolutionProvider': {
      const a = obj(raw, f, ['solutionProviderId', 'approve']);
      return {
        method: m,
        args: { solutionProviderId: u64(a['solutionProviderId'], `${f}.solutionProviderId`), approve: bool(a['approve'], `${f}.approve`) },
      };
    }
    case 'attachSolutionProviderId': {
      const a = obj(raw, f, ['contractId', 'solutionProviderId']);
      return {
        method: m,
        args: { contractId: u64(a['contractId'], `${f}.contractId`), solutionProviderId: u64(a['solutionProviderId'], `${f}.solutionProviderId`) },
      };
    }
    default:
      throw decodeFailure(`${field}.method`, 'unknown call');
  }
}

export function keyType(v: unknown, field: string): KeyType {
  if (v !== 'sr25519' && v !== 'ed25519') throw decodeFailure(field, 'expected sr25519 or ed25519');
  return v;
}

/** Decodes a signed transaction; `raw` keeps the call exactly as signed. */
export function decodeTransaction(v: unknown): { tx: SignedTransaction; rawCall: unknown } {
  const t = obj(v, 'tx', ['call', 'signer', 'keyType', 'nonce', 'signature']);
  const call = decodeCall(t['call'], 'tx.call');
  return {
    tx: {
      call,
      signer: bytes(t['signer'], 'tx.signer', 32, 32),
      keyType: keyType(t['keyType'], 'tx.keyType'),
      nonce: u32(t['nonce'], 'tx.nonce'),
      signature: bytes(t['signature'], 'tx.signature', 64, 64),
    },
    rawCall: t['call'],
  };
}
