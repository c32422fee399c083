/**
 * The dashboard in a real headless Chromium while the scenario runs: the page sees contracts
 * appear and change state (deployed, grace period with paused workloads, resumed), then creates a
 * contract of its own — key made in the browser, deployment signed in the browser, sent over the
 * bus by the browser's own peer. From the page load on, every HTTP request and WebSocket frame the
 * browser sends is recorded; no form of the page's key or of a pasted key may be in any of them.
 * Screenshots go to apps/demo/screenshots/ (git-ignored).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { identityFromMnemonic, miniSecretFromMnemonic } from '@sc4it/crypto';
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
let fromPage: bigint | undefined; // the contract created from the page
const pageErrors: string[] = [];

/**
 * Everything the browser sends, from the first request of the page load on: every HTTP request
 * (URL, headers, body) and every WebSocket frame sent (chain JSON-RPC and the bus). The keys must
 * be in none of it.
 */
const outgoing: { channel: string; data: Buffer }[] = [];
function record(target: Page): void {
  target.context().on('request', (r) => {
    outgoing.push({ channel: `http ${r.method()} ${r.url()}`, data: Buffer.concat([Buffer.from(`${r.url()}\n${JSON.stringify(r.headers())}\n`), r.postDataBuffer() ?? Buffer.alloc(0)]) });
  });
  target.on('websocket', (ws) => {
    ws.on('framesent', (f) => outgoing.push({ channel: `ws ${ws.url()}`, data: typeof f.payload === 'string' ? Buffer.from(f.payload) : f.payload }));
  });
}

/** The ways a secret could travel: as text (raw, URL-encoded) or as bytes (raw, hex, base64, a JSON number list). */
function secretForms(secret: string | Uint8Array): Buffer[] {
  if (typeof secret === 'string') return [secret, encodeURIComponent(secret), secret.replace(/ /g, '+')].map((t) => Buffer.from(t));
  const b = Buffer.from(secret);
  return [b, b.toString('hex'), b.toString('hex').toUpperCase(), b.toString('base64'), b.toString('base64url'), Array.from(b).join(',')].map((t) => (typeof t === 'string' ? Buffer.from(t) : t));
}

/** Channels whose outgoing data holds any form of any of the secrets (named by label). */
function leaks(secrets: Record<string, string | Uint8Array>): string[] {
  const out: string[] = [];
  for (const [label, secret] of Object.entries(secrets)) {
    const forms = secretForms(secret);
    for (const o of outgoing) if (forms.some((f) => o.data.includes(f))) out.push(`${label} in ${o.channel}`);
  }
  return out;
}

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
  record(page);
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
    // the same with bob's bus key pasted as hex (the seed of his mnemonic, rmb.md §4)
    const bobSeed = miniSecretFromMnemonic(DEMO_USERS.bob);
    await page.locator('#seal-out').evaluate((e) => e.removeAttribute('data-opened'));
    await page.locator('#seal-key').fill(`0x${Buffer.from(bobSeed).toString('hex')}`);
    await page.locator('#seal-open').click();
    await expect.poll(() => page.locator('#seal-out').getAttribute('data-opened')).toBe('true');
    expect(JSON.parse((await page.locator('#seal-out').textContent()) ?? '{}')).toMatchObject({ v: 1, name: 'web', twin: web.ownerTwin });
    // someone else's key cannot open it
    await page.locator('#seal-key').fill(DEMO_USERS.charlie);
    await page.locator('#seal-open').click();
    await expect.poll(() => page.locator('#seal-out').getAttribute('data-opened')).toBe('false');
    expect(await page.locator('#seal-out').textContent()).toContain('crypto.no_recipient');
    // the pasted keys were opened in the page: none of them left it, over HTTP or any WebSocket
    const charlieSeed = miniSecretFromMnemonic(DEMO_USERS.charlie);
    expect(leaks({ 'bob mnemonic': DEMO_USERS.bob, 'bob seed': bobSeed, 'charlie mnemonic': DEMO_USERS.charlie, 'charlie seed': charlieSeed })).toEqual([]);
    // (the recorder does see the page's traffic: the chain JSON-RPC and the bus, from page load on)
    expect(outgoing.some((o) => o.channel.startsWith(`ws ${demo.grid.rpc.url}`))).toBe(true);
    expect(outgoing.some((o) => o.channel === `http GET ${demo.dashboard!.url}`)).toBe(true);
    await page.locator('svg[data-testid="bill-chart"] polyline').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(shots, '03-contract-detail.png'), fullPage: true });
  });

  it('creates a second contract from the page with a key that stays in the browser', async () => {
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
    fromPage = id;
    // the contract exists on chain, owned by the browser's twin, and the node runs it
    const contract = await demo.grid.client.getContract(id);
    expect(contract?.twinId).toBe(twinId);
    await waitRow(id, 'Deployed');
    await page.locator(`#contracts tr[data-contract-id="${id}"]`).click();
    await page.locator('#workloads tr[data-workload="browservm"][data-state="ok"]').waitFor({ timeout: 20_000 });
    await expect.poll(() => page.locator('#verify .check-line').first().getAttribute('data-verified'), { timeout: 10_000 }).toBe('true');
    // the key never left the browser: not in any HTTP request (config, steps, faucet …) nor in any
    // WebSocket frame (chain JSON-RPC, the bus), from page load on
    const browserSeed = miniSecretFromMnemonic(mnemonic!);
    const browser = identityFromMnemonic(mnemonic!, 'sr25519');
    expect(Buffer.from(browser.secp256k1.privateKey)).toEqual(Buffer.from(browserSeed)); // the bus key is the seed (rmb.md §4)
    expect(leaks({ mnemonic: mnemonic!, seed: browserSeed, 'bob mnemonic': DEMO_USERS.bob, 'bob seed': miniSecretFromMnemonic(DEMO_USERS.bob) })).toEqual([]);
    // what is public does go out, and the recorder finds it: the address in the faucet request,
    // the account key in the chain calls, bus frames to the relay
    expect(leaks({ address: browser.address }).some((l) => l.startsWith('address in http POST'))).toBe(true);
    expect(leaks({ 'account key': browser.publicKey }).some((l) => l.startsWith(`account key in ws ${demo.grid.rpc.url}`))).toBe(true);
    expect(outgoing.some((o) => o.channel.startsWith(`ws ${demo.grid.relay.url}`))).toBe(true);
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

  it('after a reload, still verifies the contract it created, from the node copy, and the key still stays', async () => {
    expect(fromPage).toBeDefined();
    const id = fromPage!;
    const mnemonic = (await page.evaluate(() => localStorage.getItem('sc4it-demo-browser-mnemonic')))!;
    await page.reload();
    await page.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
    await page.locator(`#contracts tr[data-contract-id="${id}"]`).click();
    await page.locator('#workloads tr[data-workload="browservm"][data-state="ok"]').waitFor({ timeout: 20_000 });
    // the page's own document is gone with the reload; the node's copy is hashed instead
    const line = page.locator('#verify .check-line').first();
    await expect.poll(() => line.getAttribute('data-verified'), { timeout: 10_000 }).toBe('true');
    expect(await page.locator('#verify').getAttribute('data-source')).toBe('node');
    const contract = await demo.grid.client.getContract(id);
    const onChain = contract?.contractType.kind === 'node' ? contract.contractType.deploymentHash : '';
    expect(onChain).toMatch(/^[0-9a-f]{32}$/);
    expect(await line.textContent()).toBe(`hash ${onChain} of the node's copy recomputed here equals the contract's`);
    // the signature line checks the node copy's signature against the browser twin's key on chain
    expect(await page.locator('#verify .check-line').nth(1).getAttribute('data-verified')).toBe('true');
    expect(leaks({ mnemonic, seed: miniSecretFromMnemonic(mnemonic) })).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
