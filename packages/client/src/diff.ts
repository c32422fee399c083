/**
 * Plain-language differences between two versions of a zos deployment: what a user should read
 * before signing an update, and what `verify` prints when a file is not what a contract holds.
 */

/** One difference; `hashed` tells whether it changes the deployment hash (deployment-hash.md §2). */
export interface DeploymentChange {
  /** JSON path, e.g. `workloads[vm1].data.compute_capacity.memory`. */
  path: string;
  /** A sentence such as `workload 'vm1': memory changes from 4 GiB (4294967296) to 2 GiB (2147483648)`. */
  text: string;
  hashed: boolean;
  before: unknown;
  after: unknown;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  if (typeof v === 'string') return v === '' ? '""' : JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);
  if (typeof v === 'bigint') return v.toString();
  const text = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  return text === undefined ? String(v) : text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'bigint' || typeof b === 'bigint' || typeof a === 'number' || typeof b === 'number') {
    // 64-bit fields may be numbers, bigints or decimal strings
    try {
      return BigInt(a as bigint) === BigInt(b as bigint);
    } catch {
      return false;
    }
  }
  return show(a) === show(b) && JSON.stringify(a) === JSON.stringify(b);
}

const NOT_HASHED_TOP = new Set(['contract_id']);

function walk(a: unknown, b: unknown, path: string, label: string, hashed: boolean, out: DeploymentChange[]): void {
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      if (k === '__type') continue; // TS SDK marker, never hashed
      walk(a[k], b[k], `${path}.${k}`, label === '' ? k : `${label}.${k}`, hashed, out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.every((x) => !isObj(x)) && b.every((x) => !isObj(x))) {
    if (!same(a, b)) out.push({ path, text: `${label} changes from ${show(a)} to ${show(b)}`, hashed, before: a, after: b });
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((x, i) => walk(x, b[i], `${path}[${i}]`, `${label}[${i}]`, hashed, out));
    return;
  }
  if (same(a, b)) return;
  if (a === undefined) out.push({ path, text: `${label} is added: ${show(b)}`, hashed, before: a, after: b });
  else if (b === undefined) out.push({ path, text: `${label} is removed (was ${show(a)})`, hashed, before: a, after: b });
  else out.push({ path, text: `${label} changes from ${show(a)} to ${show(b)}`, hashed, before: a, after: b });
}

function workloadsOf(d: Record<string, unknown>): Map<string, Record<string, unknown>> {
  const m = new Map<string, Record<string, unknown>>();
  const list = Array.isArray(d['workloads']) ? (d['workloads'] as unknown[]) : [];
  for (const w of list) if (isObj(w) && typeof w['name'] === 'string' && !m.has(w['name'])) m.set(w['name'], w);
  return m;
}

function requestsOf(d: Record<string, unknown>): Map<number, Record<string, unknown>> {
  const sr = isObj(d['signature_requirement']) ? d['signature_requirement'] : {};
  const m = new Map<number, Record<string, unknown>>();
  for (const r of Array.isArray(sr['requests']) ? (sr['requests'] as unknown[]) : []) {
    if (isObj(r) && typeof r['twin_id'] === 'number' && !m.has(r['twin_id'])) m.set(r['twin_id'], r);
  }
  return m;
}

/**
 * Lists what changes from deployment `before` to `after`, in words, workload by workload (matched
 * by name), ignoring results and signatures (written by the node and the signers, never hashed).
 * Each entry says whether it changes the hash: `contract_id` and a zmachine's `corex` do not.
 */
export function diffDeployments(before: unknown, after: unknown): DeploymentChange[] {
  const out: DeploymentChange[] = [];
  const a = isObj(before) ? before : {};
  const b = isObj(after) ? after : {};
  for (const k of ['version', 'twin_id', 'contract_id', 'metadata', 'description', 'expiration']) {
    walk(a[k], b[k], k, k, !NOT_HASHED_TOP.has(k), out);
  }
  // signature requirement
  const sa = isObj(a['signature_requirement']) ? a['signature_requirement'] : {};
  const sb = isObj(b['signature_requirement']) ? b['signature_requirement'] : {};
  walk(sa['weight_required'], sb['weight_required'], 'signature_requirement.weight_required', 'required signature weight', true, out);
  walk(sa['signature_style'] ?? '', sb['signature_style'] ?? '', 'signature_requirement.signature_style', 'signature style', true, out);
  const ra = requestsOf(a);
  const rb = requestsOf(b);
  for (const [twin, r] of ra) {
    const s = rb.get(twin);
    if (s === undefined) out.push({ path: `signature_requirement.requests[${twin}]`, text: `twin ${twin} is no longer asked to sign`, hashed: true, before: r, after: undefined });
    else {
      walk(r['weight'], s['weight'], `signature_requirement.requests[${twin}].weight`, `weight of twin ${twin}`, true, out);
      walk(r['required'] ?? false, s['required'] ?? false, `signature_requirement.requests[${twin}].required`, `twin ${twin} required`, true, out);
    }
  }
  for (const [twin, r] of rb) {
    if (!ra.has(twin)) out.push({ path: `signature_requirement.requests[${twin}]`, text: `twin ${twin} is asked to sign (weight ${show(r['weight'])}${r['required'] === true ? ', required' : ''})`, hashed: true, before: undefined, after: r });
  }
  const orderA = [...ra.keys()].join(',');
  const orderB = [...rb.keys()].join(',');
  if (orderA !== orderB && ra.size === rb.size && [...ra.keys()].every((t) => rb.has(t))) {
    out.push({ path: 'signature_requirement.requests', text: 'the signature requests are listed in a different order', hashed: true, before: orderA, after: orderB });
  }
  // workloads
  const wa = workloadsOf(a);
  const wb = workloadsOf(b);
  for (const [name, w] of wa) {
    const v = wb.get(name);
    if (v === undefined) {
      out.push({ path: `workloads[${name}]`, text: `workload '${name}' (${show(w['type'])}) is removed`, hashed: true, before: w, after: undefined });
      continue;
    }
    const label = `workload '${name}'`;
    for (const k of ['type', 'version', 'metadata', 'description']) walk(w[k], v[k], `workloads[${name}].${k}`, `${label} ${k}`, true, out);
    const before = out.length;
    walk(w['data'], v['data'], `workloads[${name}].data`, `${label} data`, true, out);
    for (const c of out.slice(before)) {
      if ((w['type'] === 'zmachine' || w['type'] === 'zmachine-light') && c.path === `workloads[${name}].data.corex`) c.hashed = false;
    }
  }
  for (const [name, w] of wb) {
    if (!wa.has(name)) out.push({ path: `workloads[${name}]`, text: `workload '${name}' (${show(w['type'])}) is added`, hashed: true, before: undefined, after: w });
  }
  const namesA = [...wa.keys()].join(',');
  const namesB = [...wb.keys()].join(',');
  if (namesA !== namesB && wa.size === wb.size && [...wa.keys()].every((n) => wb.has(n))) {
    out.push({ path: 'workloads', text: 'the workloads are listed in a different order (the hash follows the order)', hashed: true, before: namesA, after: namesB });
  }
  return out;
}
