/**
 * The dashboard in a real headless Chromium while the scenario runs: the page sees contracts
 * appear and change state (deployed, grace period with paused workloads, resumed), then creates a
 * contract of its own — key made in the browser, deployment signed in the browser, sent over the
 * bus by the browser's own peer. Screenshots go to apps/demo/screenshots/ (git-ignored).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { deploymentHash } from '@sc4it/hash';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../src/grid.ts';
import { startDemo, type Demo } from '../src/demo.ts';
import type { ScenarioState } from '../src/scenario.ts';

const here = dirname(fileURLToPath(import.meta.url));
const shots = join(here, '..', 'screenshots');
let demo: Demo;
let context: BrowserContext;
let page: Page;
let profile: string;
let stateDir: string;
const lines: string[] = [];
const seen: Record<string, string> = {};
let scenario: ScenarioState;
const pageErrors: string[] = [];

async function rowState(id: bigint | string): Promise<string | null> {
  return page.locator(`#contracts tr[data-contract-id="${id}"]`).getAttribute('data-state', { timeout: 500 }).catch(() => null);
}

const overflowing: string[] = [];
async function cardsWiderThanTheirBox(): Promise<string[]> {
  return page.locator('section.card').evaluateAll((cards) =>
    cards.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => `${c.querySelector('h2')?.textContent ?? '?'}: ${c.scrollWidth} > ${c.clientWidth}`),
  );
}

async function waitRow(id: bigint | string, state: string, timeout = 20_000): Promise<void> {
  await page.locator(`#contracts tr[data-contract-id="${id}"][data-state="${state}"]`).waitFor({ timeout });
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  stateDir = mkdtempSync(join(tmpdir(), 'sc4it-demo-browser-'));
  profile = mkdtempSync(join(tmpdir(), 'sc4it-chromium-'));
  demo = await startDemo({
    stateDir,
    port: 0,
    print: (l) => lines.push(l),
    hooks: {
      afterStep: async (name) => {
        if (name === 'VM with one public IP deployed and running') {
          // the page sees bob's first contract appear, deployed
          const web = demo.state.deployments[0]!;
          await waitRow(web.contractId, 'Deployed');
          seen['web'] = (await rowState(web.contractId)) ?? '';
          // nothing is cut off: no card is wider than its box (a hidden column would need scrolling)
          await page.locator('#nodes tbody tr').first().waitFor({ timeout: 10_000 });
          overflowing.push(...(await cardsWiderThanTheirBox()));
          await page.screenshot({ path: join(shots, '01-first-contract.png'), fullPage: true });
        }
      },
      moment: async (label, { contractId }) => {
        await page.locator(`#contracts tr[data-contract-id="${contractId}"]`).click();
        if (label === 'grace') {
          await waitRow(contractId, 'GracePeriod');
          await page.locator('#workloads tr[data-state="paused"]').first().waitFor({ timeout: 20_000 });
          seen['grace'] = (await rowState(contractId)) ?? '';
          seen['paused'] = String(await page.locator('#workloads tr[data-state="paused"]').count());
          await page.screenshot({ path: join(shots, '02-grace-paused.png'), fullPage: true });
        } else {
          await waitRow(contractId, 'Deployed');
          await page.locator('#workloads tr[data-state="ok"]').first().waitFor({ timeout: 20_000 });
          seen['resumed'] = (await rowState(contractId)) ?? '';
        }
      },
    },
  });
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    viewport: { width: 1400, height: 1000 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(demo.dashboard!.url);
  await page.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
  scenario = await demo.run();
}, 180_000);

afterAll(async () => {
  await context?.close();
  await demo?.stop();
  if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
  if (stateDir !== undefined) rmSync(stateDir, { recursive: true, force: true });
});

describe('dashboard in headless Chromium', () => {
  it('ran the scenario green while the page watched contracts appear and change state', async () => {
    expect(scenario.steps.filter((s) => !s.ok).map((s) => `${s.name}: ${s.detail}`)).toEqual([]);
    expect(seen).toEqual({ web: 'Deployed', grace: 'GracePeriod', paused: expect.stringMatching(/^[1-9]\d*$/), resumed: 'Deployed' });
    await page.locator('#steps li.ok').nth(scenario.steps.length - 1).waitFor({ timeout: 10_000 });
    expect(await page.locator('#steps li.ok').count()).toBe(scenario.steps.length);
  });

  it('verifies a deployment hash in the browser and opens sealed data with a pasted key', async () => {
    const web = demo.state.deployments[0]!;
    await page.locator(`#contracts tr[data-contract-id="${web.contractId}"]`).click();
    const verified = page.locator('#verify .check-line').first();
    await expect.poll(() => verified.textContent(), { timeout: 10_000 }).toContain(deploymentHash(web.document));
    expect(await verified.getAttribute('data-verified')).toBe('true');
    await page.locator('#seal-key').fill(DEMO_USERS.bob);
    await page.locator('#seal-open').click();
    await expect.poll(() => page.locator('#seal-out').getAttribute('data-opened')).toBe('true');
    expect(JSON.parse((await page.locator('#seal-out').textContent()) ?? '{}')).toMatchObject({ v: 1, name: 'web', twin: web.ownerTwin });
    // someone else's key cannot open it
    await page.locator('#seal-key').fill(DEMO_USERS.charlie);
    await page.locator('#seal-open').click();
    await expect.poll(() => page.locator('#seal-out').getAttribute('data-opened')).toBe('false');
    expect(await page.locator('#seal-out').textContent()).toContain('crypto.no_recipient');
    await page.locator('svg[data-testid="bill-chart"] polyline').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(shots, '03-contract-detail.png'), fullPage: true });
  });

  it('creates a second contract from the page with a key that stays in the browser', async () => {
    const requests: string[] = [];
    page.on('request', (r) => requests.push(`${r.method()} ${r.url()} ${r.postData() ?? ''}`));
    await page.locator('#create-key').click();
    await page.locator('#my-twin[data-twin]:not([data-twin=""])').waitFor({ timeout: 20_000 });
    const twinId = Number(await page.locator('#my-twin').getAttribute('data-twin'));
    const mnemonic = await page.evaluate(() => localStorage.getItem('sc4it-demo-browser-mnemonic'));
    expect(mnemonic?.split(' ')).toHaveLength(12);
    await page.locator('#vm-name').fill('browservm');
    await page.locator('#vm-node').selectOption(String(demo.grid.nodes[0]!.id));
    await page.locator('#create-btn').click();
    await page.locator('#create-log[data-contract-id]').waitFor({ timeout: 60_000 });
    const id = BigInt((await page.locator('#create-log').getAttribute('data-contract-id'))!);
    // the contract exists on chain, owned by the browser's twin, and the node runs it
    const contract = await demo.grid.client.getContract(id);
    expect(contract?.twinId).toBe(twinId);
    await waitRow(id, 'Deployed');
    await page.locator(`#contracts tr[data-contract-id="${id}"]`).click();
    await page.locator('#workloads tr[data-workload="browservm"][data-state="ok"]').waitFor({ timeout: 20_000 });
    await expect.poll(() => page.locator('#verify .check-line').first().getAttribute('data-verified'), { timeout: 10_000 }).toBe('true');
    // the key never went over HTTP (the page talks to the server only for config, steps and the faucet)
    expect(requests.filter((r) => r.includes(mnemonic!.split(' ')[0]!) && r.includes(mnemonic!.split(' ')[1]!))).toEqual([]);
    overflowing.push(...(await cardsWiderThanTheirBox()));
    expect(overflowing).toEqual([]);
    // the node table shows every column, free IPs included, as the chain counts them
    const nodeRow = page.locator(`#nodes tr[data-node-id="${demo.grid.nodes[2]!.id}"] td`);
    const chainNode = (await demo.grid.client.listNodes({})).find((n) => n.id === demo.grid.nodes[2]!.id)!;
    expect(await nodeRow.last().textContent()).toBe(String(chainNode.freeIps));
    expect(await nodeRow.last().isVisible()).toBe(true);
    await page.screenshot({ path: join(shots, '04-browser-contract.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
