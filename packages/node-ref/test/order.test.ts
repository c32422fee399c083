import { describe, expect, it } from 'vitest';
import { installOrder, uninstallOrder } from '../src/order.ts';

describe('install order (deployment-hash.md §6.4)', () => {
  it('follows zos startup order by type, mounts largest first', () => {
    const wls = [
      { name: 'logs', type: 'zlogs' },
      { name: 'vm', type: 'zmachine' },
      { name: 'pub', type: 'ip' },
      { name: 'net', type: 'network' },
      { name: 'small', type: 'zmount', data: { size: 1 } },
      { name: 'q', type: 'qsfs' },
      { name: 'vol', type: 'volume', data: { size: 5 } },
      { name: 'big', type: 'zmount', data: { size: 10 } },
      { name: 'old', type: 'ipv4' },
    ];
    // spec list: zmount, volume, qsfs, network, ipv4, ip, zmachine, zlogs
    expect(installOrder(wls).map((w) => w.name)).toEqual(['big', 'small', 'vol', 'q', 'net', 'old', 'pub', 'vm', 'logs']);
    expect(uninstallOrder(wls).map((w) => w.name)).toEqual(['logs', 'vm', 'pub', 'old', 'net', 'q', 'vol', 'small', 'big']);
  });
  it('puts the types zos leaves unordered after the listed ones, dependencies first', () => {
    const order = installOrder([
      { name: 'gw', type: 'gateway-name-proxy' },
      { name: 'lvm', type: 'zmachine-light' },
      { name: 'db', type: 'zdb' },
      { name: 'lnet', type: 'network-light' },
      { name: 'd', type: 'zmount', data: { size: 1 } },
    ]).map((w) => w.name);
    expect(order[0]).toBe('d');
    expect(order.indexOf('lnet')).toBeLessThan(order.indexOf('lvm'));
  });
});
