import { NodeError, ZosText } from './zos-errors.ts';

export interface PlanWorkload {
  version: number;
  name: string;
  type: string;
}

export interface PlanDeployment<W extends PlanWorkload> {
  version: number;
  twin_id: number;
  contract_id: unknown;
  workloads: readonly W[];
}

export type UpgradeOp<W> = { op: 'add' | 'update' | 'remove'; workload: W };

/** Types whose primitives implement `Update` (zosbase pkg/primitives/*). */
export const UPDATABLE_TYPES: ReadonlySet<string> = new Set(['network', 'network-light', 'zmount', 'volume', 'zdb', 'qsfs']);

function sameId(a: unknown, b: unknown): boolean {
  return String(a) === String(b);
}

/**
 * The steps from `current` to `next` (deployment-hash.md §6.7; zosbase deployment.go `Upgrade`,
 * engine.go `Update`): adds for new names, updates for workloads bumped to the new version,
 * removals for names that disappeared. Unbumped workloads are left untouched. Throws a
 * {@link NodeError} with the zos text (already wrapped as an upgrade validation error).
 */
export function planUpgrade<W extends PlanWorkload>(
  current: PlanDeployment<W>,
  next: PlanDeployment<W>,
): UpgradeOp<W>[] {
  const fail = (inner: string): never => {
    throw new NodeError('node.upgrade_invalid', ZosText.upgradeValidation(inner));
  };
  if (current.twin_id !== next.twin_id || !sameId(current.contract_id, next.contract_id)) fail(ZosText.cannotChangeIds);
  const expected = current.version + 1;
  if (next.version !== expected) fail(ZosText.expectingVersion(expected, next.version));

  const old = new Map(current.workloads.map((w) => [w.name, w]));
  const ops: UpgradeOp<W>[] = [];
  for (const wl of next.workloads) {
    const before = old.get(wl.name);
    if (before === undefined) {
      if (wl.version !== expected) fail(ZosText.invalidWorkloadVersion(wl.name, expected));
      ops.push({ op: 'add', workload: wl });
    } else {
      if (before.type !== wl.type) fail(ZosText.cannotChangeType(wl.name));
      if (wl.version === expected) ops.push({ op: 'update', workload: wl });
      old.delete(wl.name);
    }
  }
  for (const wl of old.values()) ops.push({ op: 'remove', workload: wl });

  for (const op of ops) {
    if (op.op === 'update' && !UPDATABLE_TYPES.has(op.workload.type)) fail(ZosText.noUpgradeSupport(op.workload.type));
  }
  return ops;
}
