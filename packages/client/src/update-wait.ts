import type { Deployment, Workload } from '@sc4it/types';

/**
 * How far a node has got with an update, judged from what it reports (deployment-hash.md §6.7).
 *
 * A node stores the new deployment version the moment it accepts an update, but applies the
 * workload changes later, in a job. So the deployment's `version` says nothing about the
 * workloads: an update is applied only when every workload of the sent document is on the node
 * with its sent version and a result written for that version, and every workload the update
 * removed is gone (or `deleted`).
 *
 * A changed (bumped) workload briefly carries the new version with its old result while the
 * node works on it; only the workload history (`zos.deployment.changes`) tells the two apart.
 * `history` is that list, or `undefined` when it was not fetched yet (`need-history` asks for it).
 */
export type UpdateStatus =
  | { kind: 'done' }
  | { kind: 'pending'; reasons: string[] }
  | { kind: 'need-history' }
  | { kind: 'failed'; workload: string; state: string; message: string };

export function updateStatus(sent: Deployment, removed: readonly string[], view: Deployment, history: readonly Workload[] | undefined): UpdateStatus {
  const version = Number(sent.version);
  const onNode = new Map(view.workloads.map((w) => [w.name, w]));
  const reasons: string[] = [];
  if (sent.workloads.length > 0 && view.workloads.length > 0 && view.workloads.every((w) => w.result?.state === 'deleted')) {
    // the whole deployment is gone (contract cancelled): the update can no longer apply
    const w = view.workloads[0]!;
    return { kind: 'failed', workload: w.name, state: 'deleted', message: w.result?.message ?? '' };
  }
  for (const name of removed) {
    const w = onNode.get(name);
    if (w !== undefined && w.result?.state !== 'deleted') reasons.push(`'${name}' is not removed yet (${w.result?.state ?? 'no result'})`);
  }
  for (const w of sent.workloads) {
    const got = onNode.get(w.name);
    if (got === undefined) reasons.push(`'${w.name}' is not on the node yet`);
    else if (Number(got.version) !== Number(w.version)) reasons.push(`'${w.name}' is at version ${String(got.version)} on the node (sent ${String(w.version)})`);
  }
  if (reasons.length > 0) return { kind: 'pending', reasons };
  const bumped = sent.workloads.filter((w) => Number(w.version) === version);
  if (bumped.length > 0 && history === undefined) return { kind: 'need-history' };
  for (const w of bumped) {
    // the newest result the node wrote for this workload at the sent version
    const applied = (history ?? []).filter((h) => h.name === w.name && Number(h.version) === version && h.result !== undefined && h.result.state !== 'init').at(-1);
    if (applied === undefined) reasons.push(`'${w.name}' version ${version} is not applied yet`);
    else if (applied.result?.state === 'error') return { kind: 'failed', workload: w.name, state: 'error', message: applied.result.message };
  }
  if (reasons.length > 0) return { kind: 'pending', reasons };
  for (const w of sent.workloads) {
    const r = onNode.get(w.name)?.result;
    const state = r?.state ?? 'no result';
    if (state === 'ok') continue;
    // a workload the update did not touch keeps its result: an error stays (the node never retries it)
    if (state === 'error' || state === 'deleted') return { kind: 'failed', workload: w.name, state, message: r?.message ?? '' };
    reasons.push(`'${w.name}' is ${state}`);
  }
  return reasons.length > 0 ? { kind: 'pending', reasons } : { kind: 'done' };
}
