import { describe, expect, it } from 'vitest';
import { planUpgrade } from '../src/upgrade.ts';

// Texts: deployment-hash.md §6.2/§6.7 (zosbase deployment.go `Upgrade`, engine.go `Update`), wrapped
// as engine.go does with github.com/pkg/errors: Wrap(ErrDeploymentUpgradeValidationError, text)
// prints "<text>: upgrade validation error".
const wl = (name: string, type: string, version: number) => ({ name, type, version });
const dep = (version: number, workloads: ReturnType<typeof wl>[], twin = 7, contract: unknown = 5) => ({
  version,
  twin_id: twin,
  contract_id: contract,
  workloads,
});

describe('planUpgrade', () => {
  const current = dep(0, [wl('net', 'network', 0), wl('disk', 'zmount', 0), wl('vm', 'zmachine', 0), wl('db', 'zdb', 0)]);

  it('adds, updates, leaves and removes as zos does', () => {
    const ops = planUpgrade(current, dep(1, [wl('net', 'network', 0), wl('disk', 'zmount', 1), wl('vm', 'zmachine', 0), wl('new', 'volume', 1)]));
    expect(ops.map((o) => `${o.op}:${o.workload.name}`)).toEqual(['update:disk', 'add:new', 'remove:db']);
  });
  it('refuses twin or contract changes', () => {
    expect(() => planUpgrade(current, dep(1, [], 8))).toThrow('cannot change deployment or twin id: upgrade validation error');
    expect(() => planUpgrade(current, dep(1, [], 7, 6))).toThrow('cannot change deployment or twin id: upgrade validation error');
  });
  it('requires version + 1', () => {
    expect(() => planUpgrade(current, dep(2, []))).toThrow('expecting deployment version 1, got 2: upgrade validation error');
    expect(() => planUpgrade(current, dep(0, []))).toThrow('expecting deployment version 1, got 0: upgrade validation error');
  });
  it('requires new workloads to carry the new version', () => {
    expect(() => planUpgrade(current, dep(1, [wl('x', 'zmount', 0)]))).toThrow(
      "invalid version number for workload 'x' expected '1': upgrade validation error",
    );
  });
  it('refuses type changes and updates of types without update support', () => {
    expect(() => planUpgrade(current, dep(1, [wl('disk', 'volume', 1)]))).toThrow("cannot change workload type 'disk': upgrade validation error");
    expect(() => planUpgrade(current, dep(1, [wl('vm', 'zmachine', 1)]))).toThrow(
      "workload 'zmachine' does not support upgrade: upgrade validation error",
    );
  });
  it('carries the text in upstream and a node code', () => {
    try {
      planUpgrade(current, dep(3, []));
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'node.upgrade_invalid', upstream: 'expecting deployment version 1, got 3: upgrade validation error' });
    }
  });
});
