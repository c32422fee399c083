import { readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { identityFromMnemonic, type MultisigPolicy } from '@sc4it/crypto';
import { deploymentHash } from '@sc4it/hash';
import { Sc4itError, hexToBytes, isSc4itError, type ChainClient, type Deployment, type KeyType } from '@sc4it/types';
import { buildDeployment, vmWorkloads, type Signer, type VmOptions } from '../deployment-builder.ts';
import { GridClient, findNodes, type Progress } from '../grid-client.ts';
import { TwinAgent, collectSignatures } from '../twin-agent.ts';
import { commandTwin, type TwinOp } from '../twin-command.ts';
import { formatBytes, formatTft } from '../units.ts';
import { deploymentFromJson, stripResults } from '../wire.ts';
import { table, toJson } from './format.ts';
import { fileNonceStore } from './nonce-file.ts';

export const USAGE = `usage: sc4it [options] <command> [args]

commands:
  nodes [--farm id] [--free-ips n] [--cru n] [--mru 4G] [--sru 10G] [--hru 1T]
                                 nodes with enough free capacity and farm IPs
  build <spec.json> --out <file> turn a VM spec into a deployment owned by you
  deploy <file> --node <id> [--ips n] [--out file] [--no-wait] [--timeout s] [--policy zos|strict-weights]
                                 create the contract and deploy (file: deployment or VM spec)
  update <file> --contract <id>  replace the workloads of a running deployment
  contracts [--state Created|Deployed|GracePeriod]
  show <contract>                contract, sealed summary and workloads with results
  bill <contract>                billing lines and totals
  cancel <contract>              cancel a contract (frees its public IPs)
  verify <file> --contract <id> [--policy zos|strict-weights]
                                 recompute the hash, check signatures, say what differs
  multisig sign <file> [--out f] add your signature to a deployment file
  multisig status <file> [--policy p]
  multisig collect <file> [--twins 8,9] [--timeout s] [--out f]
                                 ask co-signers' digital twins over the bus
  twin serve --authorize <twin,...> [--cosign-for <twin,...>] [--state-dir <dir>]
                                 run your digital twin on the bus until stopped; the
                                 commands it accepted are kept in <dir>/twin-<id>-nonces.json
                                 so none can be replayed after a restart
  twin send <deploy|update|cancel|contracts|show> --agent <twin> [--file f] [--node id] [--contract id]
  whoami                         your twin, account and balance

options (or environment):
  --chain <ws-url>      SC4IT_CHAIN       chain JSON-RPC endpoint
  --relay <ws-url>      SC4IT_RELAY       relay for the bus
  --relay-domain <d>    SC4IT_RELAY_DOMAIN  relay domain published on your twin (default: relay host)
  --mnemonic <words>    SC4IT_MNEMONIC    your account
  --key-type <t>        SC4IT_KEY_TYPE    sr25519 (default) or ed25519
  --state-dir <dir>     SC4IT_STATE_DIR   the CLI's own records (default ~/.sc4it)
  --json                machine-readable output on stdout
  --quiet               no progress lines
`;

/** `sc4it <command> --help`: that command's lines of {@link USAGE} and the common options. */
export function commandUsage(command: string): string {
  const [head, rest = ''] = USAGE.split('\ncommands:\n');
  const [commands = '', options = ''] = rest.split('\noptions (or environment):\n');
  const lines = commands.split('\n');
  const picked: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.startsWith(`  ${command} `) || lines[i] === `  ${command}`) {
      picked.push(lines[i]!);
      while (lines[i + 1]?.startsWith('      ')) picked.push(lines[++i]!);
    }
  }
  if (picked.length === 0) return USAGE;
  return `${head!.replace('<command> [args]', `${command} …`)}\n${picked.join('\n')}\n\noptions (or environment):\n${options}`;
}

/** What the CLI needs from its surroundings (tests inject their own). */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  /** Opens a chain client for a `ws://` URL (chain-sim's `connectChain`). */
  connectChain: (url: string) => Promise<ChainClient>;
  /** Resolves when the process should stop (`twin serve`). */
  stopSignal?: Promise<void>;
}

class UsageError extends Sc4itError {
  override name = 'UsageError';
  constructor(message: string) {
    super('config.usage', message);
  }
}

const OPTIONS = {
  chain: { type: 'string' },
  relay: { type: 'string' },
  'relay-domain': { type: 'string' },
  mnemonic: { type: 'string' },
  'key-type': { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  farm: { type: 'string' },
  'free-ips': { type: 'string' },
  cru: { type: 'string' },
  mru: { type: 'string' },
  sru: { type: 'string' },
  hru: { type: 'string' },
  node: { type: 'string' },
  ips: { type: 'string' },
  out: { type: 'string' },
  'no-wait': { type: 'boolean' },
  timeout: { type: 'string' },
  policy: { type: 'string' },
  contract: { type: 'string' },
  state: { type: 'string' },
  twins: { type: 'string' },
  authorize: { type: 'string' },
  'cosign-for': { type: 'string' },
  agent: { type: 'string' },
  file: { type: 'string' },
  'seal-for': { type: 'string' },
  'state-dir': { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function int(v: string | undefined, name: string, min = 0): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{1,10}$/.test(v) || Number(v) < min) throw new UsageError(`--${name} must be an integer${min > 0 ? ` ≥ ${min}` : ''}`);
  return Number(v);
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new UsageError(`missing ${what}`);
  return v;
}

function contractArg(v: string | undefined, what = '<contract>'): bigint {
  if (v === undefined || !/^\d{1,20}$/.test(v) || v === '0') throw new UsageError(`${what} must be a contract id`);
  return BigInt(v);
}

function twinList(v: string | undefined, name: string): number[] {
  if (v === undefined || v.trim() === '') return [];
  return v.split(',').map((t) => {
    const n = int(t.trim(), name, 1);
    return n!;
  });
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Sc4itError('config.file', `cannot read ${path}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Sc4itError('decode.json', `${path} is not valid JSON`);
  }
}

interface VmSpec {
  vm: VmOptions;
  metadata?: string;
  description?: string;
  signers?: Signer[];
  weightRequired?: number;
}

function isSpec(v: unknown): v is VmSpec {
  return v !== null && typeof v === 'object' && 'vm' in v && !('workloads' in v);
}

function policyOf(v: string | undefined): MultisigPolicy {
  if (v === undefined) return 'zos';
  if (v !== 'zos' && v !== 'strict-weights') throw new UsageError('--policy must be zos or strict-weights');
  return v;
}

function stateText(s: { kind: string; cause?: string; sinceBlock?: number }): string {
  return s.kind === 'Deleted' ? `Deleted(${s.cause ?? ''})` : s.kind === 'GracePeriod' ? `GracePeriod(since block ${s.sinceBlock ?? '?'})` : s.kind;
}

/** Runs one `sc4it` command; resolves with the exit code (0 ok, 1 failure, 2 usage). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }));
  } catch (err) {
    io.stderr(`sc4it: error [config.usage]: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`);
    return 2;
  }
  if (values.help === true || positionals.length === 0) {
    io.stdout(values.help === true && positionals.length > 0 ? commandUsage(positionals[0]!) : USAGE);
    return values.help === true ? 0 : 2;
  }
  const json = values.json === true;
  const progress = (p: Progress | string): void => {
    if (values.quiet === true) return;
    io.stderr(`… ${typeof p === 'string' ? p : p.message}\n`);
  };
  const print = (human: string, data: unknown): void => {
    io.stdout(json ? `${toJson(data)}\n` : `${human}\n`);
  };
  const envOf = (k: string): string | undefined => {
    const v = io.env[k];
    return v === undefined || v.trim() === '' ? undefined : v;
  };
  const chainUrl = values.chain ?? envOf('SC4IT_CHAIN');
  const relayUrl = values.relay ?? envOf('SC4IT_RELAY');
  const relayDomain = values['relay-domain'] ?? envOf('SC4IT_RELAY_DOMAIN');
  const mnemonic = values.mnemonic ?? envOf('SC4IT_MNEMONIC');
  const keyType = (values['key-type'] ?? envOf('SC4IT_KEY_TYPE') ?? 'sr25519') as KeyType;

  let chain: ChainClient | undefined;
  let grid: GridClient | undefined;
  const openChain = async (): Promise<ChainClient> => {
    const url = need(chainUrl, '--chain <ws-url> (or SC4IT_CHAIN)');
    if (!/^wss?:\/\/[^\s]+$/.test(url)) throw new UsageError('--chain must be a ws:// or wss:// URL');
    try {
      chain ??= await io.connectChain(url);
    } catch (err) {
      if (isSc4itError(err)) throw err;
      throw new Sc4itError('transport.connect_failed', `cannot connect to the chain at ${url}`, { cause: err });
    }
    return chain;
  };
  const openGrid = async (bus: boolean): Promise<GridClient> => {
    if (grid !== undefined) return grid;
    if (keyType !== 'sr25519' && keyType !== 'ed25519') throw new UsageError('--key-type must be sr25519 or ed25519');
    const identity = identityFromMnemonic(need(mnemonic, '--mnemonic (or SC4IT_MNEMONIC)'), keyType);
    const c = await openChain();
    grid = await GridClient.connect({
      chain: c,
      identity,
      ...(bus ? { relay: need(relayUrl, '--relay <ws-url> (or SC4IT_RELAY)') } : {}),
      ...(relayDomain === undefined ? {} : { relayDomain }),
      onProgress: progress,
    });
    return grid;
  };

  const [command, sub, ...rest] = positionals;
  try {
    switch (command) {
      case 'nodes': {
        const c = await openChain();
        const nodes = await findNodes(c, {
          ...(values.farm === undefined ? {} : { farmId: int(values.farm, 'farm', 1)! }),
          ...(values['free-ips'] === undefined ? {} : { freeIps: int(values['free-ips'], 'free-ips')! }),
          ...(values.cru === undefined ? {} : { cru: int(values.cru, 'cru')! }),
          ...(values.mru === undefined ? {} : { mru: values.mru }),
          ...(values.sru === undefined ? {} : { sru: values.sru }),
          ...(values.hru === undefined ? {} : { hru: values.hru }),
        });
        print(
          nodes.length === 0
            ? 'no node matches'
            : table(
                ['node', 'farm', 'twin', 'free cru', 'free mru', 'free sru', 'free hru', 'free ips'],
                nodes.map((n) => [n.id, n.farmId, n.twinId, Number(n.free.cru), formatBytes(n.free.mru), formatBytes(n.free.sru), formatBytes(n.free.hru), n.freeIps]),
              ),
          nodes,
        );
        return 0;
      }
      case 'whoami': {
        const g = await openGrid(false);
        const balance = await g.balance();
        print(`twin ${g.twinId}\naccount ${g.identity.address} (${g.identity.keyType})\nbalance ${formatTft(balance)}`, { twinId: g.twinId, address: g.identity.address, keyType: g.identity.keyType, balance });
        return 0;
      }
      case 'build': {
        const file = need(sub, '<spec.json>');
        const out = need(values.out, '--out <file>');
        const spec = readJson(file);
        if (!isSpec(spec)) throw new UsageError(`${file} is not a VM spec ({"vm": {...}})`);
        const g = await openGrid(false);
        const d = buildDeployment({
          twinId: g.twinId,
          workloads: vmWorkloads(spec.vm),
          metadata: spec.metadata ?? JSON.stringify({ type: 'vm', name: spec.vm.name }),
          ...(spec.description === undefined ? {} : { description: spec.description }),
          ...(spec.signers === undefined ? {} : { signers: spec.signers }),
          ...(spec.weightRequired === undefined ? {} : { weightRequired: spec.weightRequired }),
        });
        writeFileSync(out, `${JSON.stringify(d, null, 2)}\n`);
        print(`wrote ${out} (hash ${deploymentHash(d)})`, { file: out, hash: deploymentHash(d) });
        return 0;
      }
      case 'deploy': {
        const file = need(sub, '<file>');
        const nodeId = need(int(values.node, 'node', 1), '--node <id>');
        const doc = readJson(file);
        const g = await openGrid(true);
        const deployment: Deployment = isSpec(doc)
          ? buildDeployment({
              twinId: g.twinId,
              workloads: vmWorkloads(doc.vm),
              metadata: doc.metadata ?? JSON.stringify({ type: 'vm', name: doc.vm.name }),
              ...(doc.signers === undefined ? {} : { signers: doc.signers }),
              ...(doc.weightRequired === undefined ? {} : { weightRequired: doc.weightRequired }),
            })
          : deploymentFromJson(doc);
        const timeout = int(values.timeout, 'timeout', 1);
        const r = await g.deploy({
          nodeId,
          deployment,
          ...(values.ips === undefined ? {} : { publicIps: int(values.ips, 'ips')! }),
          ...(values['no-wait'] === true ? { wait: false } : {}),
          ...(timeout === undefined ? {} : { timeoutMs: timeout * 1000 }),
          policy: policyOf(values.policy),
          ...(values['seal-for'] === undefined ? {} : { sealFor: values['seal-for'].split(',').map((h) => hexToBytes(h.trim())) }),
          onProgress: progress,
        });
        if (values.out !== undefined) writeFileSync(values.out, `${JSON.stringify(stripResults(r.deployment), null, 2)}\n`);
        const lines = [
          `contract ${r.contractId} on node ${r.nodeId} (hash ${r.hash})`,
          ...(r.publicIps.length > 0 ? [`public IPs: ${r.publicIps.map((p) => `${p.ip} via ${p.gateway}`).join(', ')}`] : []),
          table(['workload', 'type', 'state', 'result'], r.deployment.workloads.map((w) => [w.name, w.type, w.result?.state ?? '-', w.result?.data === undefined || w.result.data === null ? (w.result?.message ?? '') : JSON.stringify(w.result.data)])),
        ];
        print(lines.join('\n'), { contractId: r.contractId, nodeId: r.nodeId, hash: r.hash, publicIps: r.publicIps, workloads: r.deployment.workloads });
        return 0;
      }
      case 'update': {
        const file = need(sub, '<file>');
        const contractId = contractArg(values.contract, '--contract');
        const wanted = stripResults(deploymentFromJson(readJson(file)));
        const g = await openGrid(true);
        const r = await g.update(contractId, (cur) => ({ ...cur, workloads: wanted.workloads, metadata: wanted.metadata, description: wanted.description }), {
          policy: policyOf(values.policy),
          onProgress: progress,
          confirm: (changes) => {
            for (const c of changes) progress(`change: ${c.text}`);
            return true;
          },
        });
        if (values.out !== undefined) writeFileSync(values.out, `${JSON.stringify(stripResults(r.deployment), null, 2)}\n`);
        print(`contract ${contractId} updated to version ${r.deployment.version} (hash ${r.hash})\n${r.changes.map((c) => `  ${c.text}`).join('\n')}`, { contractId, hash: r.hash, version: r.deployment.version, changes: r.changes.map((c) => c.text) });
        return 0;
      }
      case 'contracts': {
        const g = await openGrid(false);
        const state = values.state as 'Created' | 'Deployed' | 'GracePeriod' | undefined;
        if (state !== undefined && !['Created', 'Deployed', 'GracePeriod'].includes(state)) throw new UsageError('--state must be Created, Deployed or GracePeriod');
        const list = await g.listContracts(state === undefined ? {} : { state });
        print(
          list.length === 0
            ? 'no contracts'
            : table(
                ['contract', 'kind', 'node', 'state', 'public ips', 'hash'],
                list.map((k) => [k.contractId, k.contractType.kind, k.contractType.kind === 'name' ? '-' : k.contractType.nodeId, stateText(k.state), k.contractType.kind === 'node' ? k.contractType.publicIpsList.map((p) => p.ip).join(' ') : '', k.contractType.kind === 'node' ? k.contractType.deploymentHash : '']),
              ),
          list,
        );
        return 0;
      }
      case 'show': {
        const contractId = contractArg(sub);
        const g = await openGrid(relayUrl !== undefined);
        const contract = await g.getContract(contractId);
        let summary: unknown = null;
        let deployment: Deployment | null = null;
        const notes: string[] = [];
        if (contract.contractType.kind === 'node') {
          try {
            summary = await g.readSummary(contractId);
          } catch (err) {
            notes.push(`sealed summary: ${isSc4itError(err) ? `${err.code}: ${err.shortMessage}` : 'cannot open'}`);
          }
          if (g.peer !== null && contract.twinId === g.twinId && contract.state.kind !== 'Deleted') {
            try {
              deployment = await g.getDeployment(contractId);
            } catch (err) {
              notes.push(`deployment: ${isSc4itError(err) ? err.shortMessage : 'not available'}`);
            }
          }
        }
        const ct = contract.contractType;
        const lines = [
          `contract ${contractId}: ${ct.kind} contract of twin ${contract.twinId}, state ${stateText(contract.state)}`,
          ...(ct.kind === 'node' ? [`node ${ct.nodeId}, hash ${ct.deploymentHash}, ${ct.deploymentData.length} bytes of sealed data`, `public IPs: ${ct.publicIpsList.map((p) => p.ip).join(', ') || 'none'}`] : []),
          ...(summary === null ? [] : [`summary: ${JSON.stringify(summary)}`]),
          ...(deployment === null
            ? []
            : [`deployment version ${deployment.version}:`, table(['workload', 'type', 'state', 'message / result'], deployment.workloads.map((w) => [w.name, w.type, w.result?.state ?? '-', w.result?.message || (w.result?.data === undefined || w.result?.data === null ? '' : JSON.stringify(w.result.data))]))]),
          ...notes,
        ];
        print(lines.join('\n'), { contract, summary, deployment, notes });
        return 0;
      }
      case 'bill': {
        const contractId = contractArg(sub);
        const g = await openGrid(false);
        const bill = await g.getBill(contractId);
        const parts = Object.entries(bill.byPart).filter(([, v]) => v !== 0n).map(([k, v]) => `${k} ${v}`).join(', ');
        const lines = [
          bill.records.length === 0 ? `contract ${contractId} has no bill yet` : table(['block', 'time', 'seconds', 'units USD', 'discount', 'billed', 'due'], bill.records.map((r) => [r.block, new Date(r.timestamp * 1000).toISOString().replace('.000Z', 'Z'), r.seconds, r.unitsUsd, r.discountLevel, formatTft(r.amountBilled), formatTft(r.amountDue)])),
          `total billed ${formatTft(bill.totalBilled, 7)} over ${bill.seconds} s (${bill.totalUnitsUsd} units USD${parts === '' ? '' : `: ${parts}`})`,
          `owner balance ${formatTft(bill.balance)}${bill.due > 0n ? `, still due ${formatTft(bill.due, 7)}` : ''}`,
        ];
        print(lines.join('\n'), bill);
        return 0;
      }
      case 'cancel': {
        const contractId = contractArg(sub);
        const g = await openGrid(false);
        const r = await g.cancel(contractId, { onProgress: progress });
        print(`contract ${contractId} cancelled${r.freedIps.length === 0 ? '' : `; freed ${r.freedIps.map((p) => p.ip).join(', ')}`}`, { contractId, freedIps: r.freedIps });
        return 0;
      }
      case 'verify': {
        const file = need(sub, '<file>');
        const contractId = contractArg(values.contract, '--contract');
        const doc = readJson(file);
        let report;
        if (mnemonic !== undefined) {
          const g = await openGrid(relayUrl !== undefined);
          report = await g.verify(deploymentFromJson(doc), contractId, { policy: policyOf(values.policy) });
        } else {
          const { auditDeployment } = await import('../audit.ts');
          report = await auditDeployment(await openChain(), deploymentFromJson(doc), contractId, { policy: policyOf(values.policy) });
        }
        print(
          [...report.findings.map((f) => `${f.ok ? '✔' : '✘'} ${f.text}`), report.ok ? `OK: ${file} is the deployment of contract ${contractId}` : `MISMATCH: ${file} does not match contract ${contractId}`].join('\n'),
          { ok: report.ok, contractId, fileHash: report.fileHash, contractHash: report.contractHash, findings: report.findings, nodeCopy: report.nodeCopy },
        );
        return report.ok ? 0 : 1;
      }
      case 'multisig': {
        const file = need(rest[0], '<file>');
        const d = stripResults(deploymentFromJson(readJson(file)));
        if (sub === 'sign') {
          const g = await openGrid(false);
          const signed = g.sign(d);
          const out = values.out ?? file;
          writeFileSync(out, `${JSON.stringify(signed, null, 2)}\n`);
          const st = await g.signatureStatus(signed, policyOf(values.policy));
          print(`twin ${g.twinId} signed ${deploymentHash(signed)}; weight ${st.weightCollected} of ${st.weightRequired}; wrote ${out}`, { hash: deploymentHash(signed), twinId: g.twinId, status: { ...st, error: st.error?.shortMessage } });
          return 0;
        }
        if (sub === 'status') {
          const { multisigStatus } = await import('@sc4it/crypto');
          const { chainTwinKeys } = await import('../audit.ts');
          const st = await multisigStatus(d, chainTwinKeys(await openChain()), { policy: policyOf(values.policy) });
          const lines = [
            `deployment ${deploymentHash(d)} (owner twin ${st.originator}), policy ${st.policy}`,
            table(['twin', 'weight', 'required', 'state'], st.requests.map((r) => [r.twinId, r.weight, r.required ? 'yes' : 'no', r.state])),
            `weight ${st.weightCollected} of ${st.weightRequired}; ${st.complete ? 'complete: a node with this policy accepts it' : `incomplete: ${st.error?.shortMessage ?? ''}`}`,
          ];
          print(lines.join('\n'), { hash: deploymentHash(d), ...st, error: st.error === undefined ? undefined : { code: st.error.code, message: st.error.shortMessage, upstream: st.error.upstream } });
          return st.complete ? 0 : 1;
        }
        if (sub === 'collect') {
          const g = await openGrid(true);
          const timeout = int(values.timeout, 'timeout', 1) ?? 60;
          const r = await collectSignatures(g, g.sign(d), { ...(values.twins === undefined ? {} : { twins: twinList(values.twins, 'twins') }), timeoutMs: timeout * 1000, onProgress: progress });
          const out = values.out ?? file;
          writeFileSync(out, `${JSON.stringify(r.deployment, null, 2)}\n`);
          print(`signed by ${r.signed.join(', ') || 'nobody'}; pending ${r.pending.join(', ') || 'none'}; refused ${r.refused.map((x) => `${x.twinId} (${x.reason})`).join(', ') || 'none'}; wrote ${out}`, { ...r, deployment: undefined, file: out });
          return 0;
        }
        throw new UsageError('multisig needs sign, status or collect');
      }
      case 'twin': {
        if (sub === 'serve') {
          const authorized = twinList(values.authorize, 'authorize');
          const cosign = twinList(values['cosign-for'], 'cosign-for');
          const stateDir = values['state-dir'] ?? io.env['SC4IT_STATE_DIR'] ?? join(homedir(), '.sc4it');
          const g = await openGrid(true);
          const nonceFile = join(stateDir, `twin-${g.twinId}-nonces.json`);
          const agent = new TwinAgent({
            client: g,
            authorized,
            cosign,
            nonceStore: fileNonceStore(nonceFile),
            onEvent: (e) => io.stderr(`[twin ${g.twinId}] ${e.kind}: ${e.message}\n`),
          }).start();
          io.stdout(
            json
              ? `${toJson({ ready: true, twinId: g.twinId, authorized, cosign, nonceFile })}\n`
              : `sc4it twin ready: twin ${g.twinId} authorized ${authorized.join(',') || 'none'} cosign-for ${cosign.join(',') || 'none'} commands recorded in ${nonceFile}\n`,
          );
          await (io.stopSignal ?? new Promise<void>(() => {}));
          agent.stop();
          return 0;
        }
        if (sub === 'send') {
          const op = need(rest[0], '<op>') as TwinOp;
          if (!['deploy', 'update', 'cancel', 'contracts', 'show'].includes(op)) throw new UsageError('op must be deploy, update, cancel, contracts or show');
          const agent = need(int(values.agent, 'agent', 1), '--agent <twin>');
          const g = await openGrid(true);
          const args: Record<string, unknown> = {};
          if (values.node !== undefined) args['nodeId'] = int(values.node, 'node', 1);
          if (values.contract !== undefined) args['contractId'] = contractArg(values.contract, '--contract').toString();
          if (values.file !== undefined) {
            const doc = readJson(values.file);
            args['deployment'] = isSpec(doc) ? buildDeployment({ twinId: agent, workloads: vmWorkloads(doc.vm) }) : doc;
          }
          progress(`sending a signed '${op}' command to twin ${agent}`);
          const result = await commandTwin(g.peer!, g.identity, agent, op, args);
          print(toJson(result), result);
          return 0;
        }
        throw new UsageError('twin needs serve or send');
      }
      default:
        throw new UsageError(`unknown command '${String(command).slice(0, 40)}' (see sc4it --help)`);
    }
  } catch (err) {
    const code = isSc4itError(err) ? err.code : 'internal.error';
    const msg = isSc4itError(err) ? err.shortMessage : err instanceof Error ? err.message.split('\n')[0]! : String(err);
    const upstream = isSc4itError(err) && err.upstream !== undefined && !msg.includes(err.upstream) ? ` (${err.upstream})` : '';
    io.stderr(`sc4it: error [${code}]: ${msg.replace(/\s+/g, ' ')}${upstream}\n`);
    return code === 'config.usage' ? 2 : 1;
  } finally {
    await grid?.close().catch(() => undefined);
    await chain?.close().catch(() => undefined);
  }
}
