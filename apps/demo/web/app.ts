/**
 * The dashboard page. Everything here runs in the browser: it reads the chain over chain-sim's
 * JSON-RPC (WebSocket), joins the bus as its own peer, hashes and verifies deployments, signs
 * with a key that stays in local storage, and opens sealed data with a pasted key.
 */
import { RpcChainClient } from '@sc4it/chain-sim';
import { GridClient, chainTwinKeys, formatBytes, formatTft, openSummary, stripResults } from '@sc4it/client';
import { generateMnemonic, identityFromMnemonic, isValidMnemonic, multisigStatus, type Identity } from '@sc4it/crypto';
import { deploymentHash } from '@sc4it/hash';
import { hexToBytes, type BillRecord, type ChainEvent, type Contract, type Deployment, type NodeWithUsage, type Twin } from '@sc4it/types';

interface Config {
  chainUrl: string;
  relayUrl: string;
  relayDomain: string;
  stateDir: string;
  farms: { id: number; name: string; ips: string[] }[];
  nodes: { id: number; twinId: number; farmId: number; policy: 'zos' | 'strict-weights' }[];
  users: Record<string, { twinId: number | null }>;
}

interface KnownDeployment {
  contractId: string;
  owner: string;
  ownerTwin: number;
  nodeId: number;
  label: string;
  document: Deployment;
}

const KEY_STORE = 'sc4it-demo-browser-mnemonic';
const $ = <T extends HTMLElement = HTMLElement>(sel: string): T => document.querySelector(sel) as T;

function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

function badge(state: string): HTMLElement {
  return el('span', { class: `badge ${state}` }, state);
}

function short(hex: string, n = 8): string {
  return hex.length > 2 * n ? `${hex.slice(0, n)}…${hex.slice(-4)}` : hex;
}

let config: Config;
let chain: RpcChainClient;
let me: GridClient | null = null;
const mine = new Map<string, Deployment>(); // contracts created from this page: their documents
let known: KnownDeployment[] = [];
let contracts: Contract[] = [];
let selected: bigint | null = null;
const events: ChainEvent[] = [];
let refreshQueued = false;

// ---- rendering ---------------------------------------------------------------------------------

function stateName(c: Contract): string {
  return c.state.kind;
}

async function renderChain(): Promise<void> {
  const head = await chain.getBlock();
  const price = await chain.getTftPrice();
  $('#chain-status').textContent = `block #${head.number} · ${new Date(head.timestamp * 1000).toISOString().replace('T', ' ').slice(0, 16)} UTC · TFT $${(price / 1000).toFixed(3)}`;
}

function renderContracts(bills: Map<string, bigint>): void {
  const body = $('#contracts tbody');
  body.replaceChildren();
  const owners = new Map(Object.entries(config.users).map(([name, u]) => [u.twinId, name]));
  for (const c of [...contracts].sort((a, b) => (a.contractId < b.contractId ? 1 : -1))) {
    const ct = c.contractType;
    const ownerName = me !== null && c.twinId === me.twinId ? 'you (browser)' : (owners.get(c.twinId) ?? '');
    const row = el(
      'tr',
      { class: `clickable${selected === c.contractId ? ' selected' : ''}`, 'data-contract-id': c.contractId.toString(), 'data-state': stateName(c), 'data-owner': String(c.twinId) },
      el('td', {}, `#${c.contractId}`),
      el('td', {}, `twin ${c.twinId}${ownerName === '' ? '' : ` (${ownerName})`}`),
      el('td', {}, ct.kind === 'name' ? '-' : `node ${ct.nodeId}`),
      el('td', {}, badge(stateName(c))),
      el('td', { class: 'mono' }, ct.kind === 'node' ? ct.publicIpsList.map((p) => p.ip).join(' ') : ''),
      el('td', { class: 'mono' }, ct.kind === 'node' ? short(ct.deploymentHash) : ''),
      el('td', {}, formatTft(bills.get(c.contractId.toString()) ?? 0n, 4)),
    );
    row.addEventListener('click', () => {
      if (selected !== c.contractId) {
        $('#seal-out').textContent = '';
        $('#seal-out').removeAttribute('data-opened');
      }
      selected = c.contractId;
      void renderDetail();
      queueRefresh();
    });
    body.append(row);
  }
  if (contracts.length === 0) body.append(el('tr', {}, el('td', { colspan: '7', class: 'hint' }, 'no contracts yet')));
}

function renderNodes(nodes: NodeWithUsage[]): void {
  const body = $('#nodes tbody');
  body.replaceChildren();
  const bar = (used: bigint, total: bigint, text: string) => {
    const pct = total === 0n ? 0 : Number((used * 100n) / total);
    const b = el('span', { class: 'bar' });
    b.append(el('span', { style: `width:${pct}%` }));
    // bar above, figures below: the table fits its card next to the farms (no hidden column)
    return el('td', { class: 'usage' }, b, el('div', { class: 'figures' }, text));
  };
  for (const n of nodes) {
    const policy = config.nodes.find((x) => x.id === n.id)?.policy ?? 'zos';
    body.append(
      el(
        'tr',
        { 'data-node-id': String(n.id) },
        el('td', {}, `#${n.id}`, el('div', { class: 'hint' }, policy === 'zos' ? 'zos signature rule' : 'weights rule')),
        el('td', {}, `#${n.farmId}`),
        el('td', {}, String(n.twinId)),
        bar(n.used.cru, n.resources.cru, `${n.used.cru}/${n.resources.cru}`),
        bar(n.used.mru, n.resources.mru, `${formatBytes(n.used.mru)} / ${formatBytes(n.resources.mru)}`),
        bar(n.used.sru, n.resources.sru, `${formatBytes(n.used.sru)} / ${formatBytes(n.resources.sru)}`),
        el('td', {}, String(n.freeIps)),
      ),
    );
  }
  const select = $<HTMLSelectElement>('#vm-node');
  const current = select.value;
  select.replaceChildren(...nodes.map((n) => el('option', { value: String(n.id) }, `node ${n.id} (farm ${n.farmId}, ${n.freeIps} free IP${n.freeIps === 1 ? '' : 's'}, ${formatBytes(n.free.mru)} free)`)));
  if (current !== '') select.value = current;
}

async function renderFarms(): Promise<void> {
  const farms = await chain.listFarms();
  const box = $('#farms');
  box.replaceChildren(
    ...farms.map((f) =>
      el(
        'div',
        { class: 'farm' },
        el('strong', {}, `#${f.id} ${f.name}`),
        el('span', { class: 'hint' }, ` · farmer twin ${f.twinId} · ${f.publicIps.filter((p) => p.contractId === 0n).length} of ${f.publicIps.length} IPs free`),
        el('div', {}, ...f.publicIps.map((p) => el('span', { class: `ip${p.contractId === 0n ? '' : ' taken'}`, title: p.contractId === 0n ? 'free' : `contract ${p.contractId}` }, `${p.ip}${p.contractId === 0n ? '' : ` → #${p.contractId}`}`))),
      ),
    ),
  );
}

async function renderTwins(): Promise<void> {
  const twins: Twin[] = [];
  for (let id = 1; id < 500; id++) {
    const t = await chain.getTwin(id);
    if (t === null) break;
    twins.push(t);
  }
  const body = $('#twins tbody');
  body.replaceChildren();
  for (const t of twins) {
    const account = await chain.getAccount(t.account);
    const who = me !== null && t.id === me.twinId ? ' (you)' : Object.entries(config.users).find(([, u]) => u.twinId === t.id)?.[0];
    body.append(el('tr', {}, el('td', {}, `${t.id}${who === undefined ? '' : who.startsWith(' ') ? who : ` (${who})`}`), el('td', { class: 'mono' }, short(account.address, 6)), el('td', {}, t.keyType), el('td', {}, t.relay ?? '-'), el('td', {}, formatTft(account.balance, 2))));
  }
}

function renderEvents(): void {
  const list = $('#events');
  list.replaceChildren(
    ...events
      .slice(-80)
      .reverse()
      .map((e) => {
        const d = e.data as Record<string, unknown>;
        const contract = (d['contract'] as { contractId?: bigint } | undefined)?.contractId ?? d['contractId'] ?? (d['report'] as { contractId?: bigint } | undefined)?.contractId;
        const bits: string[] = [];
        if (contract !== undefined) bits.push(`contract ${String(contract)}`);
        if (typeof d['amountBilled'] === 'bigint') bits.push(formatTft(d['amountBilled'] as bigint, 5));
        const bill = d['bill'] as { amountBilled?: bigint } | undefined;
        if (typeof bill?.amountBilled === 'bigint') bits.push(formatTft(bill.amountBilled, 5));
        return el('li', {}, el('span', { class: 'blk' }, `#${e.block}`), el('span', { class: 'name' }, e.name), bits.join(' · '));
      }),
  );
}

async function renderSteps(): Promise<void> {
  try {
    const r = (await (await fetch('/api/steps')).json()) as { steps: { name: string; ok: boolean; detail: string }[]; current: string | null; done: boolean };
    const list = $('#steps');
    list.replaceChildren(
      ...r.steps.map((s) => el('li', { class: s.ok ? 'ok' : 'bad', 'data-step': s.name }, el('span', { class: 'mark' }, s.ok ? '✔' : '✘'), s.name, el('div', { class: 'detail' }, s.detail))),
      ...(r.current === null ? [] : [el('li', { class: 'run' }, el('span', { class: 'mark' }, '…'), r.current)]),
    );
    if (r.steps.length === 0 && r.current === null) list.append(el('li', { class: 'hint' }, 'waiting for the scenario'));
  } catch {
    // the demo may be shutting down
  }
}

function chart(records: BillRecord[]): SVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const W = 440;
  const H = 160;
  const pad = { l: 58, r: 10, t: 10, b: 24 };
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('width', '100%');
  svg.setAttribute('data-testid', 'bill-chart');
  const add = (tag: string, attrs: Record<string, string>, text?: string) => {
    const e = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    svg.append(e);
    return e;
  };
  if (records.length === 0) {
    add('text', { x: String(W / 2 - 40), y: String(H / 2) }, 'no bill yet');
    return svg;
  }
  let total = 0n;
  const points = records.map((r) => {
    total += r.amountBilled;
    return { t: r.timestamp, v: Number(total) / 1e7 };
  });
  const t0 = points[0]!.t - records[0]!.seconds;
  const t1 = points.at(-1)!.t;
  const vmax = Math.max(points.at(-1)!.v, 1e-7);
  const x = (t: number) => pad.l + ((t - t0) / Math.max(1, t1 - t0)) * (W - pad.l - pad.r);
  const y = (v: number) => H - pad.b - (v / vmax) * (H - pad.t - pad.b);
  add('line', { x1: String(pad.l), y1: String(H - pad.b), x2: String(W - pad.r), y2: String(H - pad.b), stroke: '#cfd6e2' });
  add('line', { x1: String(pad.l), y1: String(pad.t), x2: String(pad.l), y2: String(H - pad.b), stroke: '#cfd6e2' });
  add('polyline', { points: [`${x(t0)},${y(0)}`, ...points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`)].join(' '), fill: 'none', stroke: '#2f6fed', 'stroke-width': '2' });
  add('text', { x: '4', y: String(pad.t + 8) }, `${vmax.toFixed(4)} TFT`);
  add('text', { x: '4', y: String(H - pad.b) }, '0');
  add('text', { x: String(pad.l), y: String(H - 6) }, new Date(t0 * 1000).toISOString().slice(5, 16).replace('T', ' '));
  add('text', { x: String(W - pad.r - 70), y: String(H - 6) }, new Date(t1 * 1000).toISOString().slice(5, 16).replace('T', ' '));
  return svg;
}

async function documentOf(id: bigint): Promise<Deployment | null> {
  const own = mine.get(id.toString());
  if (own !== undefined) return own;
  const k = known.find((d) => d.contractId === id.toString());
  return k?.document ?? null;
}

async function workloadsOf(c: Contract): Promise<Deployment | null> {
  if (me !== null && c.twinId === me.twinId) return me.getDeployment(c.contractId).catch(() => null);
  const r = await fetch(`/api/workloads?contract=${c.contractId}`);
  return r.ok ? ((await r.json()) as Deployment) : null;
}

async function renderDetail(): Promise<void> {
  if (selected === null) return;
  const id = selected;
  const c = await chain.getContract(id);
  const card = $('#detail-card');
  card.hidden = false;
  card.setAttribute('data-contract-id', id.toString());
  if (c === null) {
    $('#detail-title').textContent = `Contract #${id} (removed)`;
    return;
  }
  $('#detail-title').replaceChildren(`Contract #${id} · twin ${c.twinId} · `, badge(c.state.kind), c.contractType.kind === 'node' ? ` · node ${c.contractType.nodeId}` : '');
  // workloads and results
  const d = c.state.kind === 'Deleted' ? null : await workloadsOf(c);
  const wl = $('#workloads tbody');
  wl.replaceChildren(
    ...(d?.workloads ?? []).map((w) => {
      const data = w.result?.data;
      const text = w.result?.message ? w.result.message : data === null || data === undefined ? '' : JSON.stringify(data);
      return el('tr', { 'data-workload': w.name, 'data-state': w.result?.state ?? '' }, el('td', {}, w.name), el('td', {}, w.type), el('td', {}, badge(w.result?.state ?? '?')), el('td', { class: 'mono' }, text.length > 70 ? `${text.slice(0, 67)}…` : text));
    }),
  );
  if (d === null) wl.append(el('tr', {}, el('td', { colspan: '4', class: 'hint' }, 'the deployment is not visible to this page')));
  // hash and signatures, computed here
  const verify = $('#verify');
  // the document the user wrote (this page's or the demo's), else the node's copy without its
  // results: after a reload the page no longer has the documents it created, but the node does
  const written = await documentOf(id);
  const doc = written ?? (d === null ? null : stripResults(d));
  const source = written === null ? "of the node's copy " : '';
  verify.setAttribute('data-source', doc === null ? '' : written === null ? 'node' : 'document');
  const lines: [boolean, string][] = [];
  if (c.contractType.kind !== 'node') lines.push([false, 'not a node contract']);
  else if (doc === null) lines.push([false, 'no deployment document known to this page']);
  else {
    const h = deploymentHash(doc);
    const onChain = c.contractType.deploymentHash;
    lines.push([h === onChain, h === onChain ? `hash ${h} ${source}recomputed here equals the contract's` : `hash ${h} ${source}recomputed here differs from the contract's ${onChain}`]);
    const policy = config.nodes.find((n) => c.contractType.kind === 'node' && n.id === c.contractType.nodeId)?.policy ?? 'zos';
    const st = await multisigStatus(doc, chainTwinKeys(chain), { policy });
    lines.push([st.complete, `signatures (${policy === 'zos' ? 'zos rule' : 'weights rule'}): ${st.signed.length} valid, weight ${st.weightCollected} of ${st.weightRequired}${st.missing.length ? `; not signed: twin ${st.missing.join(', ')}` : ''}`]);
  }
  verify.replaceChildren(...lines.map(([ok, text]) => el('div', { class: `check-line ${ok ? 'ok' : 'bad'}`, 'data-verified': String(ok) }, text)));
  // bill chart
  const bills = await chain.getBills(id);
  $('#bill-chart').replaceChildren(chart(bills));
  const total = bills.reduce((n, b) => n + b.amountBilled, 0n);
  $('#bill-summary').textContent = `${bills.length} bills, ${formatTft(total, 5)} in total${bills.length ? `; last ${formatTft(bills.at(-1)!.amountBilled, 5)} for ${bills.at(-1)!.seconds} s (${bills.at(-1)!.discountLevel} discount)` : ''}`;
}

let refreshing = false;
async function refresh(): Promise<void> {
  if (refreshing) {
    queueRefresh();
    return;
  }
  refreshing = true;
  try {
    await renderChain();
    config.users = ((await (await fetch('/api/config')).json()) as Config).users;
    contracts = await chain.listContracts();
    known = (await (await fetch('/api/deployments')).json()) as KnownDeployment[];
    const bills = new Map<string, bigint>();
    for (const c of contracts) bills.set(c.contractId.toString(), (await chain.getBills(c.contractId)).reduce((n, b) => n + b.amountBilled, 0n));
    renderContracts(bills);
    renderNodes(await chain.listNodes());
    await renderFarms();
    await renderTwins();
    renderEvents();
    await renderDetail();
    await renderMe();
  } catch (err) {
    $('#chain-status').textContent = `error: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    refreshing = false;
  }
}

function queueRefresh(): void {
  if (refreshQueued) return;
  refreshQueued = true;
  setTimeout(() => {
    refreshQueued = false;
    void refresh();
  }, 400);
}

// ---- the browser's own key and contracts -------------------------------------------------------

function storedIdentity(): Identity | null {
  const m = localStorage.getItem(KEY_STORE);
  return m !== null && isValidMnemonic(m) ? identityFromMnemonic(m, 'sr25519') : null;
}

async function renderMe(): Promise<void> {
  const box = $('#me');
  const id = storedIdentity();
  ($<HTMLButtonElement>('#create-key')).hidden = id !== null;
  ($<HTMLButtonElement>('#forget-key')).hidden = id === null;
  ($<HTMLButtonElement>('#create-btn')).disabled = me === null;
  if (id === null) {
    box.replaceChildren(el('p', { class: 'hint' }, 'No key yet.'));
    return;
  }
  const balance = (await chain.getAccount(id.publicKey)).balance;
  box.replaceChildren(
    el('div', {}, 'account ', el('span', { class: 'mono' }, id.address)),
    el('div', { id: 'my-twin', 'data-twin': me === null ? '' : String(me.twinId) }, me === null ? 'connecting…' : `twin ${me.twinId} · on the bus at ${config.relayDomain}`),
    el('div', {}, `balance ${formatTft(balance, 4)}`),
  );
}

async function connectMe(): Promise<void> {
  const identity = storedIdentity();
  if (identity === null) return;
  if ((await chain.getAccount(identity.publicKey)).balance === 0n) {
    const r = await fetch('/api/faucet', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address: identity.address }) });
    if (!r.ok) throw new Error(`faucet: ${(await r.json() as { error?: string }).error ?? r.status}`);
  }
  me = await GridClient.connect({ chain, identity, relay: config.relayUrl, relayDomain: config.relayDomain });
  await renderMe();
}

function log(line: string): void {
  const box = $('#create-log');
  box.textContent += `${line}\n`;
  box.scrollTop = box.scrollHeight;
}

async function createContract(ev: Event): Promise<void> {
  ev.preventDefault();
  if (me === null) return;
  const button = $<HTMLButtonElement>('#create-btn');
  button.disabled = true;
  $('#create-log').textContent = '';
  try {
    const nodeId = Number($<HTMLSelectElement>('#vm-node').value);
    const name = $<HTMLInputElement>('#vm-name').value.trim();
    const cpu = Number($<HTMLInputElement>('#vm-cpu').value);
    const memory = `${Number($<HTMLInputElement>('#vm-memory').value)}G`;
    const disk = Number($<HTMLInputElement>('#vm-disk').value);
    const publicIp = $<HTMLInputElement>('#vm-ip').checked;
    const vm = me.vm({ name, cpu, memory, publicIp, ...(disk > 0 ? { disks: [{ size: `${disk}G`, mountpoint: '/data' }] } : {}) });
    log(`built ${vm.workloads.length} workloads for node ${nodeId}`);
    const r = await me.deploy({ nodeId, deployment: vm, onProgress: (p) => log(p.message) });
    mine.set(r.contractId.toString(), JSON.parse(JSON.stringify(r.deployment)) as Deployment);
    for (const w of mine.get(r.contractId.toString())!.workloads) delete (w as { result?: unknown }).result;
    log(`✔ contract ${r.contractId}: ${r.deployment.workloads.map((w) => `${w.name} ${w.result?.state}`).join(', ')}`);
    selected = r.contractId;
    $('#create-log').setAttribute('data-contract-id', r.contractId.toString());
  } catch (err) {
    const e = err as { code?: string; shortMessage?: string; message?: string; upstream?: string };
    log(`✘ [${e.code ?? 'error'}] ${e.shortMessage ?? e.message ?? String(err)}${e.upstream ? ` (${e.upstream})` : ''}`);
  } finally {
    button.disabled = me === null;
    queueRefresh();
  }
}

async function openSealed(): Promise<void> {
  const out = $('#seal-out');
  out.textContent = '';
  if (selected === null) return;
  const text = $<HTMLTextAreaElement>('#seal-key').value.trim();
  try {
    let privateKey: Uint8Array;
    if (/^(0x)?[0-9a-fA-F]{64}$/.test(text)) privateKey = hexToBytes(text.replace(/^0x/, ''));
    else if (isValidMnemonic(text)) privateKey = identityFromMnemonic(text, 'sr25519').secp256k1.privateKey;
    else throw new Error('not a mnemonic or a 64-hex key');
    const c = await chain.getContract(selected);
    if (c === null || c.contractType.kind !== 'node') throw new Error('not a node contract');
    const summary = openSummary(c.contractType.deploymentData, privateKey);
    out.textContent = JSON.stringify(summary, null, 2);
    out.setAttribute('data-opened', 'true');
  } catch (err) {
    const e = err as { code?: string; shortMessage?: string; message?: string };
    out.textContent = `cannot open: ${e.code ? `[${e.code}] ` : ''}${e.shortMessage ?? e.message}`;
    out.setAttribute('data-opened', 'false');
  }
}

async function main(): Promise<void> {
  config = (await (await fetch('/api/config')).json()) as Config;
  chain = await RpcChainClient.connect(config.chainUrl);
  await chain.subscribeEvents((e) => {
    events.push(e);
    if (events.length > 500) events.splice(0, 100);
    queueRefresh();
  });
  $('#create-form').addEventListener('submit', (ev) => void createContract(ev));
  $('#create-key').addEventListener('click', () => {
    localStorage.setItem(KEY_STORE, generateMnemonic());
    void connectMe().catch((err: unknown) => log(`✘ ${err instanceof Error ? err.message : String(err)}`));
    queueRefresh();
  });
  $('#forget-key').addEventListener('click', () => {
    localStorage.removeItem(KEY_STORE);
    void me?.close();
    me = null;
    queueRefresh();
  });
  $('#seal-open').addEventListener('click', () => void openSealed());
  setInterval(() => void renderSteps(), 1000);
  setInterval(() => queueRefresh(), 3000);
  await renderSteps();
  await refresh();
  await connectMe().catch((err: unknown) => log(`✘ ${err instanceof Error ? err.message : String(err)}`));
  document.body.setAttribute('data-ready', 'true');
}

void main();

