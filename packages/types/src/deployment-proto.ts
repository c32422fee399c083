/**
 * Deployment ↔ protobuf (`sc4it.v1.Deployment`, proto/sc4it.proto), driven by the same Go struct
 * schemas as the JSON codec, so every field has one definition. Lossless both ways:
 * `deploymentFromProto(deploymentToProto(d))` equals `d` for any `d` from `parseDeployment`,
 * including presence of the Go-pointer fields, u64 beyond 2^53 and negative expirations.
 */
import Long from 'long';
import { DecodeError, Sc4itError } from './errors.ts';
import type { Deployment, WorkloadType } from './deployment.ts';
import { WORKLOAD_TYPES } from './deployment.ts';
import type { Kind, StructSchema } from './go-json-decode.ts';
import { DATA_SCHEMAS, DEPLOYMENT, RESULT, SIGNATURE_REQUIREMENT } from './deployment-schema.ts';
import { parseDeployment } from './deployment-codec.ts';
import { jsonTreeToValue, parseJsonTree, stringifyJsonValue } from './json-tree.ts';
import { bigintToLong, longToBigint } from './protobuf-runtime.ts';
import { sc4it } from './gen/sc4it.js';

type Obj = Record<string, unknown>;
const pb = sc4it.v1;

/** snake_case → protobufjs' camelCase member name. */
function camel(s: string): string {
  return s.replace(/[_-]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The oneof member of `Workload.data` for a zos type (`network-light` → `networkLight`). */
function dataMember(type: WorkloadType): string {
  return camel(type);
}

function signedLong(v: bigint): Long {
  const u = BigInt.asUintN(64, v);
  return Long.fromBits(Number(u & 0xffff_ffffn) | 0, Number(u >> 32n) | 0, false);
}

function toPb(v: unknown, kind: Kind): unknown {
  switch (kind.k) {
    case 'uint':
    case 'bool':
    case 'str':
    case 'ip':
    case 'cidr':
    case 'hex':
      return v;
    case 'u64':
      return bigintToLong(BigInt(v as bigint | number));
    case 'ts':
      return signedLong(BigInt(v as bigint | number));
    case 'optstr':
      return v;
    case 'struct':
      return structToPb(v as Obj, kind.s);
    case 'ptr':
      return v === undefined ? undefined : structToPb(v as Obj, kind.s);
    case 'array':
      return (v as unknown[]).map((x) => toPb(x, kind.of));
    case 'map':
      return { ...(v as Record<string, string>) };
    case 'raw':
      return v === undefined ? '' : stringifyJsonValue(v);
  }
}

function structToPb(o: Obj, s: StructSchema): Obj {
  const out: Obj = {};
  for (const f of s.fields) {
    if (s === RESULT && f.prop === 'data') {
      out['dataJson'] = o['data'] === undefined ? '' : stringifyJsonValue(o['data']);
      continue;
    }
    const v = toPb(o[f.prop], f.kind);
    if (v !== undefined) out[camel(f.prop)] = v;
  }
  return out;
}

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function fromPb(v: unknown, kind: Kind, holder: Obj, key: string): unknown {
  switch (kind.k) {
    case 'uint':
      return typeof v === 'number' ? v : 0;
    case 'bool':
      return v === true;
    case 'str':
    case 'ip':
    case 'cidr':
    case 'hex':
      return typeof v === 'string' ? v : '';
    case 'u64':
      return longToBigint(v);
    case 'ts':
      return BigInt.asIntN(64, longToBigint(v));
    case 'optstr':
      return own(holder, key) && typeof v === 'string' ? v : undefined;
    case 'struct':
      return structFromPb((v ?? {}) as Obj, kind.s);
    case 'ptr':
      return v === null || v === undefined ? undefined : structFromPb(v as Obj, kind.s);
    case 'array':
      return Array.isArray(v) ? v.map((x: unknown) => fromPb(x, kind.of, {}, '')) : [];
    case 'map': {
      const out: Record<string, string> = {};
      if (v !== null && typeof v === 'object') {
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
          Object.defineProperty(out, k, { value: typeof x === 'string' ? x : '', enumerable: true, writable: true, configurable: true });
        }
      }
      return out;
    }
    case 'raw':
      return typeof v === 'string' && v !== '' ? jsonTreeToValue(parseJsonTree(v)) : undefined;
  }
}

function structFromPb(m: Obj, s: StructSchema): Obj {
  const out: Obj = {};
  for (const f of s.fields) {
    const key = s === RESULT && f.prop === 'data' ? 'dataJson' : camel(f.prop);
    const v = fromPb(m[key], f.kind, m, key);
    if (v !== undefined) out[f.prop] = v;
  }
  return out;
}

/** A parsed deployment as the plain `sc4it.v1.Deployment` properties protobufjs encodes. */
export function deploymentToProto(d: Deployment): sc4it.v1.Deployment.$Properties {
  const p = parseDeployment(d, { validate: false });
  const out: Obj = {};
  for (const f of DEPLOYMENT.fields) {
    if (f.prop === 'workloads') continue;
    out[camel(f.prop)] = toPb((p as unknown as Obj)[f.prop], f.kind);
  }
  out['workloads'] = p.workloads.map((wl) => {
    const w: Obj = {
      version: wl.version,
      name: wl.name,
      type: wl.type,
      metadata: wl.metadata,
      description: wl.description,
      [dataMember(wl.type)]: structToPb(wl.data as unknown as Obj, DATA_SCHEMAS[wl.type]),
    };
    if (wl.result !== undefined) w['result'] = structToPb(wl.result as unknown as Obj, RESULT);
    return w;
  });
  return out as sc4it.v1.Deployment.$Properties;
}

/**
 * A `sc4it.v1.Deployment` (decoded message or plain properties) as a typed deployment. The
 * result is read back through `parseDeployment` without the `Valid()` rules, so it has the same
 * shape and invariants as any parsed deployment.
 */
export function deploymentFromProto(m: sc4it.v1.Deployment.$Properties): Deployment {
  const msg = m as unknown as Obj;
  const out: Obj = {};
  for (const f of DEPLOYMENT.fields) {
    if (f.prop === 'workloads') continue;
    const key = camel(f.prop);
    if (f.prop === 'signature_requirement') out[f.prop] = structFromPb((msg[key] ?? {}) as Obj, SIGNATURE_REQUIREMENT);
    else out[f.prop] = fromPb(msg[key], f.kind, msg, key);
  }
  const wls = Array.isArray(msg['workloads']) ? (msg['workloads'] as Obj[]) : [];
  out['workloads'] = wls.map((w, i) => {
    const type = w['type'];
    if (typeof type !== 'string' || !(WORKLOAD_TYPES as readonly string[]).includes(type)) {
      throw new DecodeError('decode.deployment_proto', `unknown workload type in protobuf`, { field: `workloads[${i}].type` });
    }
    const member = dataMember(type as WorkloadType);
    const data = w[member];
    if (data === null || data === undefined) {
      throw new DecodeError('decode.deployment_proto', `workload data does not match its type '${type}'`, { field: `workloads[${i}].data` });
    }
    const wl: Obj = {
      version: typeof w['version'] === 'number' ? w['version'] : 0,
      name: typeof w['name'] === 'string' ? w['name'] : '',
      type,
      data: structFromPb(data as Obj, DATA_SCHEMAS[type as WorkloadType]),
      metadata: typeof w['metadata'] === 'string' ? w['metadata'] : '',
      description: typeof w['description'] === 'string' ? w['description'] : '',
    };
    if (w['result'] !== null && w['result'] !== undefined) wl['result'] = structFromPb(w['result'] as Obj, RESULT);
    return wl;
  });
  try {
    return parseDeployment(out, { validate: false });
  } catch (cause) {
    if (cause instanceof Sc4itError) {
      throw new DecodeError('decode.deployment_proto', 'invalid deployment in protobuf', {
        cause,
        ...(cause.field === undefined ? {} : { field: cause.field }),
      });
    }
    throw cause;
  }
}

/** `deploymentToProto` + protobuf encoding. */
export function encodeDeployment(d: Deployment): Uint8Array {
  return pb.Deployment.encode(deploymentToProto(d)).finish();
}

/** Protobuf bytes → typed deployment; throws `DecodeError` `decode.deployment_proto`. */
export function decodeDeployment(bytes: Uint8Array): Deployment {
  if (!(bytes instanceof Uint8Array)) {
    throw new DecodeError('decode.deployment_proto', 'cannot decode deployment: expected a Uint8Array');
  }
  let m: sc4it.v1.Deployment;
  try {
    m = pb.Deployment.decode(bytes);
  } catch (cause) {
    throw new DecodeError('decode.deployment_proto', 'cannot decode deployment: invalid protobuf', { cause });
  }
  return deploymentFromProto(m);
}
