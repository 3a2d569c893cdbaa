/**
 * Connections in the main window: adding a server by address. The test starts its own simulator (a
 * server XenDeck has never seen: its certificate is asked about), types a wrong password (a clear error
 * with the XAPI code, nothing typed lost), then the right one (the pool fills the tree), adds a pool
 * member's address (followed to the master, with a note), checks the form refuses a bad address before
 * sending, and forgets the servers again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, saveScreenshot, test, rowName } from './fixtures';

interface SimHost {
  name: string;
  url: string;
  fingerprint256: string;
}

let sim: { hosts: SimHost[]; process: ChildProcess };
let stateDir: string;

/**
 * A second simulator in its own process (the CLI, as a user would run it), so its addresses and its
 * certificate are new to XenDeck. Its hosts are read from what the CLI prints.
 */
async function startSimProcess(port = 0, dir = stateDir): Promise<typeof sim> {
  const root = join(import.meta.dirname, '..');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'simulator', 'cli.ts'), '--scenario', 'demo', '--port', String(port), '--password', 'right-password', '--seed', '7', '--state-dir', dir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const hosts = await new Promise<SimHost[]>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (!out.includes('control endpoint')) return;
      // Each host line ends with that host's own certificate fingerprint.
      resolve([...out.matchAll(/^\s+(\S+)\s+(https:\/\/\S+).*fingerprint: (\S+)$/gm)].map((m) => ({ name: m[1], url: m[2], fingerprint256: m[3] })));
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  return { hosts, process: child };
}

test.beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'xendeck-e2e-sim-'));
  sim = await startSimProcess();
});

async function stopSimProcess(): Promise<void> {
  if (!sim || sim.process.exitCode !== null) return;
  const exited = new Promise((resolve) => sim.process.once('exit', resolve));
  sim.process.kill('SIGTERM');
  await exited;
}

test.afterAll(async () => {
  await stopSimProcess();
  rmSync(stateDir, { recursive: true, force: true });
});

/** host:port of a simulated host, the way a user types it. */
const addressOf = (url: string) => new URL(url).host;

async function openAddServer(page: Page) {
  await page.getByRole('toolbar', { name: 'Main toolbar' }).getByRole('button', { name: 'Add server' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add server' });
  await expect(dialog).toBeVisible();
  return dialog;
}

/**
 * Submits the dialog and answers the trust-on-first-use prompt whenever one comes (first contact with a
 * host; a pool member and its master are two hosts). Returns when the dialog is no longer connecting.
 */
async function submitTrusting(page: Page, expectedFingerprint: string, screenshot?: string) {
  const add = page.getByRole('dialog', { name: 'Add server' });
  await add.getByRole('button', { name: 'Add', exact: true }).click();
  const prompt = page.getByRole('dialog', { name: /^Trust the certificate of / });
  const busy = add.getByRole('button', { name: 'Connecting…' });
  for (;;) {
    await expect(prompt.or(busy).or(add).first()).toBeAttached();
    if (await prompt.isVisible()) {
      // The fingerprint shown is the server's own, grouped in pairs as hosts print it.
      await expect(prompt.getByTestId('certificate-fingerprint')).toHaveText(expectedFingerprint.toUpperCase());
      await expect(prompt).toContainText('Subject');
      await expect(prompt).toContainText('Valid');
      if (screenshot) await saveScreenshot(page, screenshot);
      await prompt.getByRole('button', { name: 'Trust', exact: true }).click();
      await expect(prompt).toBeHidden();
      continue;
    }
    // The prompt, a modal dialog, hides the Add server dialog from assistive technology (and so from role
    // queries) while it is open: "not busy" and "gone" only count when no prompt is showing.
    if (!(await busy.isVisible())) {
      if (await prompt.isVisible()) continue;
      return;
    }
    // Still connecting: wait for the next thing to happen (a prompt, or the end of connecting).
    await Promise.race([
      prompt.waitFor({ state: 'visible', timeout: 30_000 }),
      add.getByRole('button', { name: 'Add', exact: true }).waitFor({ state: 'visible', timeout: 30_000 }),
      add.waitFor({ state: 'hidden', timeout: 30_000 }),
    ].map((p) => p.catch(() => undefined)));
    if (!(await add.isVisible()) && !(await prompt.isVisible())) return;
  }
}

test('adds a server by address: a wrong password gives a clear error, the right one fills the tree', async ({ appPage: page }) => {
  const master = sim.hosts.find((h) => h.name === 'xcp-prod-01')!;
  const dialog = await openAddServer(page);

  // Checked before sending: nothing reaches the backend with an address it could not use.
  await dialog.getByLabel('Server').fill('xcp 01:99999');
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(dialog.getByText('An address has no spaces.')).toBeVisible();
  await expect(dialog.getByLabel('Server')).toBeFocused();

  await dialog.getByLabel('Server').fill(addressOf(master.url));
  await dialog.getByLabel('User name').fill('root');
  await dialog.getByLabel('Password').fill('wrong-password');
  // Browser mode says where a remembered password goes.
  await expect(dialog.getByRole('note')).toContainText('only your user account can read');
  await submitTrusting(page, master.fingerprint256, 'main-window-connections--certificate-prompt');

  const error = dialog.getByRole('alert');
  await expect(error).toContainText(/wrong user name or password/i);
  await expect(error).toContainText('SESSION_AUTHENTICATION_FAILED');
  // Everything typed is still there, so only the password needs fixing.
  await expect(dialog.getByLabel('Server')).toHaveValue(addressOf(master.url));
  await saveScreenshot(page, 'main-window-connections--wrong-password');

  await dialog.getByLabel('Password').fill('right-password');
  await submitTrusting(page, master.fingerprint256);
  await expect(dialog).toBeHidden({ timeout: 30_000 });

  // The new connection is selected (its General tab shows), and its pool's hosts are in the tree besides the demo's.
  const detail = page.locator('.app-detail');
  await expect(detail.getByRole('heading', { name: 'Production' }).or(detail.locator('.detail-header', { hasText: 'Production' })).first()).toBeVisible();
  await expect(detail).toContainText(addressOf(master.url));
  const tree = page.getByRole('tree', { name: 'Resources' });
  await page.getByRole('searchbox').first().fill('xcp-prod-01');
  await expect(tree.getByRole('treeitem', { name: rowName('xcp-prod-01') })).toHaveCount(2);
  await page.getByRole('searchbox').first().fill('');
  await saveScreenshot(page, 'main-window-connections--added');
});

test('adding a pool member follows it to the master and says so', async ({ appPage: page }) => {
  const member = sim.hosts.find((h) => h.name === 'xcp-prod-02')!;
  const dialog = await openAddServer(page);
  await dialog.getByLabel('Server').fill(addressOf(member.url));
  await dialog.getByLabel('User name').fill('root');
  await dialog.getByLabel('Password').fill('right-password');
  await dialog.getByRole('checkbox', { name: /Remember me/ }).uncheck();
  await submitTrusting(page, member.fingerprint256);
  const connected = page.getByRole('dialog', { name: /^Connected to / });
  await expect(connected).toBeVisible({ timeout: 30_000 });
  await expect(connected.getByRole('status')).toContainText(/pool master/);
  await saveScreenshot(page, 'main-window-connections--member-note');
  await connected.getByRole('button', { name: 'OK' }).click();
  await expect(connected).toBeHidden();
});

test('a changed certificate blocks the connection with a warning showing the old and new fingerprints', async ({ appPage: page }) => {
  const before = sim.hosts.find((h) => h.name === 'xcp-prod-01')!;
  // The same server comes back with a new certificate (a reinstall, or someone in the middle).
  await stopSimProcess();
  const newDir = join(stateDir, 'reinstalled');
  sim = await startSimProcess(Number(new URL(before.url).port), newDir);
  const after = sim.hosts.find((h) => h.name === 'xcp-prod-01')!;
  expect(after.url).toBe(before.url);
  expect(after.fingerprint256).not.toBe(before.fingerprint256);

  // Retrying by itself, the added server meets the new certificate and warns; if it has not, connect it on purpose.
  const tree = page.getByRole('tree', { name: 'Resources' });
  await page.getByRole('searchbox').first().fill('Production');
  const added = tree.getByRole('treeitem', { name: rowName('Production') }).filter({ hasNotText: 'Demo' }).first();
  const warning = page.getByRole('alertdialog', { name: /^The certificate of .* has changed$/ });
  const warned = await warning.waitFor({ state: 'visible', timeout: 15_000 }).then(() => true, () => false);
  if (!warned) {
    const menu = page.getByRole('menu', { name: 'Actions' });
    await added.click({ button: 'right' });
    await menu.getByRole('menuitem', { name: 'Connect', exact: true }).click();
  }
  await expect(warning).toBeVisible({ timeout: 30_000 });
  await expect(warning).toContainText('This is not the certificate you trusted before');
  await expect(warning.getByLabel(/^Old SHA-256 fingerprint/)).toHaveText(before.fingerprint256.toUpperCase());
  await expect(warning.getByTestId('certificate-fingerprint')).toHaveText(after.fingerprint256.toUpperCase());
  // Refusing is the default: the focus is on Cancel.
  await expect(warning.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await saveScreenshot(page, 'main-window-connections--certificate-changed');
  // Refuse both prompts: the server added by address and the one added through a pool member each ask once
  // (a refused certificate is not asked about again by their retries).
  for (let asked = 0; asked < 2; asked++) {
    await expect(warning).toBeVisible({ timeout: 30_000 });
    await warning.getByRole('button', { name: 'Cancel' }).click();
  }
  await expect(warning).toBeHidden();
  await expect(added).toContainText(/Disconnected|CERTIFICATE/);
  await page.getByRole('searchbox').first().fill('');
});

test('forgets the added servers from the context menu', async ({ appPage: page }) => {
  const tree = page.getByRole('tree', { name: 'Resources' });
  // The added servers are the Production rows without the Demo mark (the search keeps them in view).
  await page.getByRole('searchbox').first().fill('Production');
  const added = tree.getByRole('treeitem', { name: rowName('Production') }).filter({ hasNotText: 'Demo' });
  await expect(added.first()).toBeVisible();
  const count = await added.count();
  for (let i = 0; i < count; i++) {
    await added.first().click({ button: 'right' });
    await page.getByRole('menu', { name: 'Actions' }).getByRole('menuitem', { name: 'Forget…' }).click();
    const confirm = page.getByRole('dialog', { name: /^Forget / });
    await expect(confirm).toContainText('The pool itself is not changed');
    await confirm.getByRole('button', { name: 'Forget' }).click();
    await expect(added).toHaveCount(count - i - 1);
  }
  await saveScreenshot(page, 'main-window-connections--forgotten');
});

test('disconnects and reconnects a pool, hides a demo pool and shows it again', async ({ appPage: page }) => {
  const tree = page.getByRole('tree', { name: 'Resources' });
  const lab = tree.getByRole('treeitem', { name: rowName('Lab') });
  await page.getByRole('searchbox').first().fill('Lab');
  await lab.click({ button: 'right' });
  const menu = page.getByRole('menu', { name: 'Actions' });
  // Demo pools are hidden, not forgotten.
  await expect(menu.getByRole('menuitem', { name: 'Forget…' })).toHaveAttribute('aria-disabled', 'true');
  await menu.getByRole('menuitem', { name: 'Disconnect' }).click();
  // Disconnected: the row is the connection itself now, its pool's objects are gone from the tree.
  await expect(tree.getByRole('treeitem', { name: rowName('xcp-lab-01') })).toHaveCount(0);
  await expect(lab).toContainText('Disconnected');
  await saveScreenshot(page, 'main-window-connections--disconnected');
  await lab.click({ button: 'right' });
  await menu.getByRole('menuitem', { name: 'Connect', exact: true }).click();
  await expect(tree.getByRole('treeitem', { name: rowName('xcp-lab-01') })).toBeVisible({ timeout: 30_000 });

  await lab.click({ button: 'right' });
  await menu.getByRole('menuitem', { name: 'Hide demo pool' }).click();
  await expect(lab).toHaveCount(0);
  await page.getByRole('searchbox').first().fill('');
  await page.getByRole('toolbar', { name: 'Main toolbar' }).getByRole('button', { name: 'Home' }).click();
  await page.getByRole('toolbar', { name: 'Main toolbar' }).getByRole('button', { name: 'Show demo pools' }).click();
  await page.getByRole('searchbox').first().fill('Lab');
  await expect(tree.getByRole('treeitem', { name: rowName('xcp-lab-01') })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('searchbox').first().fill('');
});
