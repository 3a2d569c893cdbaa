/**
 * Bench case `migration`: one bulk live migration of 200 running VMs inside the `large` pool (16 hosts,
 * 5,000 VMs), started in the real app (browser mode, in Chromium) the way a user starts it: the running VMs
 * of one host selected in the tree (search "running", the host's first VM, Shift+PageDown/Shift+ArrowDown
 * to the 200th), then the toolbar's "Migrate to Server ▸" and another host of the pool. The app checks that
 * host for every VM in the background (VM.assert_can_boot_here) before it enables the item, then runs
 * `Async.VM.pool_migrate` once per VM. The simulator runs in this process; its VM.pool_migrate handler is
 * wrapped to count the migrations it is running. Measured:
 *
 * - `migrations_in_flight_peak`: the most VM.pool_migrate calls (each a task) the pool ran at once;
 *   `launch_ms`: from the click on the host to the pool starting the last VM's migration;
 * - `complete_ms`: from that click to every VM running on the destination;
 * - `menu_check_ms`: from opening the menu to the host's item enabled (its background checks), and the
 *   page's long tasks meanwhile;
 * - while the 200 VMs move (click to completion, plus 1 s for the last events to land): the page's long
 *   tasks (count, longest, total; target: none over 50 ms) and the frame rate of the page showing the tree
 *   (requestAnimationFrame callbacks per second) with its longest gap between two frames;
 * - the peer: the same page, idle, for as long as the migration took (at most IDLE_PEER_MAX_MS): its
 *   frame rate and long tasks are the floor; `fps_over_idle_ratio` compares the two frame rates.
 *
 * The large scenario's hosts are sized for its own VMs (about 190 GiB free each): the destination host of
 * this run gets enough memory for the VMs it receives (its host_metrics.memory_total raised in this run's
 * simulator only) so the pool accepts them all at once, as a host with that much memory would.
 * `--migrate N` moves N VMs instead of 200 (at most the source host's running VMs).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium, type Page } from 'playwright-core';
import { startSimulator } from '../../simulator';
import { hostFreeMemory, refreshHostMemory, vmFootprint } from '../../simulator/api/vm-state';
import type { ApiHandler } from '../../simulator/rpc/api-registry';
import { buildIfNeeded } from '../../scripts/build-if-needed.mjs';
import { bridgeClient, pageLongTasks, pageProbe, resetLongTasks, startWebHost } from './ui';
import type { BenchFigures, BenchOptions } from './index';

const GiB = 1024 ** 3;
const DEFAULT_VMS = 200;
/** The idle peer lasts as long as the migration did, up to this. */
const IDLE_PEER_MAX_MS = 60_000;
/** A bulk migration of 200 VMs that has not finished after this is reported as a failure of the case. */
const COMPLETE_TIMEOUT_MS = 10 * 60_000;

type PoolDb = Awaited<ReturnType<typeof startSimulator>>['pools'][number]['db'];

/**
 * Installed in the page before the app: counts animation frames while `on` (the page's own frame clock).
 * Source text, not a function: the bench's TypeScript runner names inner functions with a helper the page lacks.
 */
const FRAME_PROBE = `
  window.__frames = { on: false, count: 0, last: 0, maxGap: 0, since: 0 };
  requestAnimationFrame(function tick(t) {
    const f = window.__frames;
    if (f.on) {
      f.count++;
      if (f.last) f.maxGap = Math.max(f.maxGap, t - f.last);
      f.last = t;
    }
    requestAnimationFrame(tick);
  });
`;

interface Window {
  longTasks: number[];
  frames: number;
  seconds: number;
  longestFrameGapMs: number;
}

/** Starts counting frames and long tasks from now. */
async function startWindow(page: Page): Promise<void> {
  await resetLongTasks(page);
  await page.evaluate(() => {
    const f = (window as unknown as { __frames: { on: boolean; count: number; last: number; maxGap: number; since: number } }).__frames;
    Object.assign(f, { on: true, count: 0, last: 0, maxGap: 0, since: performance.now() });
  });
}

/** Stops counting: the frames, their rate's window and the long tasks since startWindow. */
async function endWindow(page: Page): Promise<Window> {
  const f = await page.evaluate(() => {
    const fr = (window as unknown as { __frames: { on: boolean; count: number; maxGap: number; since: number } }).__frames;
    fr.on = false;
    return { count: fr.count, maxGap: fr.maxGap, ms: performance.now() - fr.since };
  });
  return { longTasks: await pageLongTasks(page), frames: f.count, seconds: f.ms / 1000, longestFrameGapMs: f.maxGap };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `done` every 50 ms; throws with `what` after `timeoutMs`. */
async function until(done: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const start = performance.now();
  while (!(await done())) {
    if (performance.now() - start > timeoutMs) throw new Error(`migration bench: ${what} did not happen within ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}

/** The host with the most running VMs (the source) and another host (the destination), in name order. */
function chooseHosts(db: PoolDb, count: number) {
  const hostRefs = db.refs('host').sort((a, b) => String(db.get('host', a).name_label).localeCompare(String(db.get('host', b).name_label), undefined, { numeric: true }));
  const runningOn = new Map<string, string[]>(hostRefs.map((h) => [h, []]));
  for (const [ref, vm] of db.all('VM')) {
    if (!vm.is_control_domain && !vm.is_a_template && vm.power_state === 'Running') runningOn.get(String(vm.resident_on))?.push(ref);
  }
  const source = hostRefs.reduce((best, h) => (runningOn.get(h)!.length > runningOn.get(best)!.length ? h : best), hostRefs[0]);
  // The first host in the tree, so its rows are in view at the tree's top while the VMs arrive.
  const destination = hostRefs.find((h) => h !== source)!;
  // The tree lists a host's VMs by name (numbers in order): the first `count` of them are the ones selected.
  const vms = runningOn.get(source)!.sort((a, b) => String(db.get('VM', a).name_label).localeCompare(String(db.get('VM', b).name_label), undefined, { numeric: true }));
  if (vms.length < count) throw new Error(`migration bench: the busiest host runs ${vms.length} VMs, fewer than --migrate ${count}`);
  return { source, destination, vms: vms.slice(0, count) };
}

/** The tree's focused row: its index among the rows, level, position in its parent and label. */
async function focusedRow(page: Page) {
  return page.evaluate(() => {
    const tree = document.querySelector('[role="tree"][aria-activedescendant]');
    const id = tree?.getAttribute('aria-activedescendant') ?? '';
    const row = id ? document.getElementById(id) : null;
    return { index: Number(/-row-(\d+)$/.exec(id)?.[1] ?? -1), level: Number(row?.getAttribute('aria-level')), pos: Number(row?.getAttribute('aria-posinset')), size: Number(row?.getAttribute('aria-setsize')), label: row?.getAttribute('aria-label') ?? '' };
  });
}

/**
 * Selects the first `count` running VMs under `hostName` as a user would with the keyboard: the search box
 * keeps the running VMs only, type-ahead finds the host, ArrowRight its first VM, Shift+PageDown and
 * Shift+ArrowDown extend the selection to the count-th; then the search is cleared (the selection stays).
 */
async function selectRunningVms(page: Page, hostName: string, count: number): Promise<void> {
  const search = page.getByRole('searchbox', { name: 'Search resources' });
  await search.fill('running');
  const tree = page.getByRole('tree', { name: 'Resources' });
  await page.locator('[role="treeitem"][aria-level="3"]').first().waitFor();
  await page.locator('[role="treeitem"][aria-level="2"]').first().click();
  await page.keyboard.type(hostName);
  await until(async () => (await focusedRow(page)).label.startsWith(hostName), 10_000, `type-ahead to ${hostName}`);
  // ArrowRight opens a closed host, and on an open one goes to its first VM.
  for (let i = 0; i < 2 && (await focusedRow(page)).level === 2; i++) await page.keyboard.press('ArrowRight');
  const first = await focusedRow(page);
  if (first.level !== 3 || first.pos !== 1 || first.size < count) throw new Error(`migration bench: expected ${hostName}'s first of at least ${count} running VMs, the tree focuses ${JSON.stringify(first)}`);
  const target = first.index + count - 1;
  const page_ = Math.max(1, Math.floor(((await tree.evaluate((el) => el.clientHeight)) || 240) / 24) - 1);
  for (let now = first; now.index !== target; now = await focusedRow(page)) {
    await page.keyboard.press(target - now.index > page_ + 1 ? 'Shift+PageDown' : target > now.index ? 'Shift+ArrowDown' : 'Shift+ArrowUp');
  }
  const last = await focusedRow(page);
  if (last.level !== 3 || last.pos !== count) throw new Error(`migration bench: the selection should end on ${hostName}'s VM number ${count}, it ends on ${JSON.stringify(last)}`);
  await search.fill('');
}

export async function migrationBench(options: BenchOptions = {}): Promise<BenchFigures> {
  buildIfNeeded({ log: (line: string) => console.error(line) });
  const count = Number(options.migrate ?? DEFAULT_VMS);
  if (!Number.isInteger(count) || count < 1) throw new Error(`--migrate wants a number of VMs, not ${options.migrate}`);
  const dir = mkdtempSync(join(tmpdir(), 'xendeck-bench-migration-'));
  const sim = await startSimulator({ scenario: 'large', hosts: 16, vms: 5000, seed: 1, stateDir: join(dir, 'sim') });
  const pool = sim.pools[0];
  const db = pool.db;
  const { source, destination, vms } = chooseHosts(db, count);
  const sourceName = String(db.get('host', source).name_label);
  const destinationName = String(db.get('host', destination).name_label);

  // Room on the destination for every VM at once (plus a little), in this run's pool only.
  const need = vms.reduce((n, ref) => n + vmFootprint(db.get('VM', ref)), 0);
  const free = hostFreeMemory(pool.pool, destination);
  if (need > free) {
    const metrics = String(db.get('host', destination).metrics);
    db.update('host_metrics', metrics, { memory_total: Number(db.get('host_metrics', metrics).memory_total) + need - free + 16 * GiB });
    refreshHostMemory(pool.pool, destination);
  }

  // Count the migrations the pool runs: the handler runs for the whole of each Async.VM.pool_migrate task.
  const original = sim.sim.api.get('VM.pool_migrate')!;
  const server = { inFlight: 0, peak: 0, started: 0, finished: 0, failed: [] as string[], lastStartAt: 0 };
  const counted: ApiHandler = async (call, ...args) => {
    server.started++;
    server.inFlight++;
    server.peak = Math.max(server.peak, server.inFlight);
    server.lastStartAt = performance.now();
    try {
      return await original(call, ...args);
    } catch (err) {
      server.failed.push((err as { code?: string }).code ?? String(err));
      throw err;
    } finally {
      server.inFlight--;
      server.finished++;
    }
  };
  sim.sim.api.register('VM.pool_migrate', counted);

  const host = await startWebHost(join(dir, 'state'));
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const client = bridgeClient(host);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(pageProbe);
    await page.addInitScript({ content: FRAME_PROBE });
    await page.goto(host.url);
    await page.getByRole('searchbox', { name: 'Search resources' }).waitFor();
    client.on((event, payload) => {
      if (event !== 'connections.certificatePrompt') return;
      const p = payload as { id: string; certificate: { fingerprint256: string } };
      void client.request('connections.answerCertificate', { id: p.id, fingerprint256: p.certificate.fingerprint256, trust: true });
    });
    await client.request('connections.add', { address: pool.masterUrl, user: 'root', password: sim.password, remember: false });
    await page.waitForFunction(() => (window as unknown as { __ui: { firstVmRowAt?: number } }).__ui.firstVmRowAt !== undefined, undefined, { timeout: 120_000, polling: 100 });
    // The page asked about the certificate too (this process answered it): its question is moot, close it.
    const question = page.getByRole('dialog', { name: /^Trust the certificate/ });
    if (await question.isVisible()) await question.getByRole('button', { name: 'Trust' }).click();
    await sleep(2000);

    await selectRunningVms(page, sourceName, count);
    // The tree scrolled back to its top, where the destination's rows (the first host's) are: the VMs arrive in view.
    await page.getByRole('tree', { name: 'Resources' }).evaluate((el) => el.scrollTo({ top: 0 }));
    await sleep(1000);

    // Open "Migrate to Server ▸": the destination's item waits "Checking…" until the pool has checked every VM.
    await startWindow(page);
    const menuAt = performance.now();
    await page.getByRole('toolbar', { name: 'Main toolbar' }).getByRole('button', { name: 'Migrate to Server' }).click();
    const item = page.getByRole('menu', { name: 'Migrate to Server' }).getByRole('menuitem', { name: new RegExp(`^${destinationName}\\b`) });
    await item.waitFor();
    await until(async () => (await item.getAttribute('aria-disabled')) !== 'true', 120_000, `${destinationName} enabled in the menu (${await item.getAttribute('aria-label').catch(() => '')})`);
    const menuCheckMs = performance.now() - menuAt;
    const menu = await endWindow(page);

    // The bulk migration: from the click to every VM running on the destination, then 1 s for the last events.
    await startWindow(page);
    // XENDECK_MIGRATION_PROFILE=file.cpuprofile: a CPU profile of the page while the VMs move (open it in DevTools).
    const profile = process.env.XENDECK_MIGRATION_PROFILE ? await page.context().newCDPSession(page) : undefined;
    if (profile) {
      await profile.send('Profiler.enable');
      await profile.send('Profiler.start');
    }
    // The click as a mouse gives it, at the item's place: Locator.click runs Playwright's hit-target checks in the
    // page, inside the very task that launches the migrations.
    const box = await item.boundingBox();
    if (!box) throw new Error(`migration bench: the ${destinationName} item is not in view`);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const clickAt = performance.now();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const arrived = () => vms.every((ref) => db.get('VM', ref).resident_on === destination && Object.keys(db.get('VM', ref).current_operations as object).length === 0);
    await until(() => arrived() || (server.finished >= count && server.failed.length > 0), COMPLETE_TIMEOUT_MS, `${count} VMs arriving on ${destinationName}`);
    const completeMs = performance.now() - clickAt;
    await sleep(1000);
    const moving = await endWindow(page);
    if (profile) writeFileSync(process.env.XENDECK_MIGRATION_PROFILE!, JSON.stringify((await profile.send('Profiler.stop')).profile));
    if (server.failed.length || server.started !== count) throw new Error(`migration bench: the pool ran ${server.started} migrations of ${count}, ${server.failed.length} failed (${[...new Set(server.failed)].join(', ')})`);
    if (process.env.XENDECK_MIGRATION_SCREENSHOT) await page.screenshot({ path: process.env.XENDECK_MIGRATION_SCREENSHOT });

    // The peer: the same page idle for as long (the floor of its frame rate and long tasks on this machine now).
    await sleep(2000);
    await startWindow(page);
    await sleep(Math.min(IDLE_PEER_MAX_MS, moving.seconds * 1000));
    const idle = await endWindow(page);

    const max = (xs: number[]) => (xs.length ? Math.max(...xs) : 0);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const fps = (w: Window) => w.frames / w.seconds;
    console.error(
      `migration: ${count} VMs from ${sourceName} to ${destinationName}; menu checked in ${menuCheckMs.toFixed(0)} ms (${menu.longTasks.length} long tasks, max ${max(menu.longTasks).toFixed(0)} ms); ` +
        `peak ${server.peak} migrations in flight, all launched after ${(server.lastStartAt - clickAt).toFixed(0)} ms, all arrived after ${completeMs.toFixed(0)} ms; ` +
        `while moving: ${fps(moving).toFixed(1)} frames/s (longest gap ${moving.longestFrameGapMs.toFixed(0)} ms), ${moving.longTasks.length} long tasks (max ${max(moving.longTasks).toFixed(0)} ms, total ${sum(moving.longTasks).toFixed(0)} ms); ` +
        `idle peer (${idle.seconds.toFixed(1)} s): ${fps(idle).toFixed(1)} frames/s, ${idle.longTasks.length} long tasks (max ${max(idle.longTasks).toFixed(0)} ms)`,
    );
    return {
      vms: { value: count, unit: 'count' },
      menu_check_ms: { value: menuCheckMs, unit: 'ms' },
      menu_long_tasks: { value: menu.longTasks.length, unit: 'count' },
      menu_longest_task_ms: { value: max(menu.longTasks), unit: 'ms' },
      migrations_in_flight_peak: { value: server.peak, unit: 'count' },
      launch_ms: { value: server.lastStartAt - clickAt, unit: 'ms' },
      complete_ms: { value: completeMs, unit: 'ms' },
      long_tasks: { value: moving.longTasks.length, unit: 'count' },
      longest_task_ms: { value: max(moving.longTasks), unit: 'ms' },
      long_task_total_ms: { value: sum(moving.longTasks), unit: 'ms' },
      fps: { value: fps(moving), unit: '1/s' },
      longest_frame_gap_ms: { value: moving.longestFrameGapMs, unit: 'ms' },
      idle_fps: { value: fps(idle), unit: '1/s' },
      idle_long_tasks: { value: idle.longTasks.length, unit: 'count' },
      idle_longest_task_ms: { value: max(idle.longTasks), unit: 'ms' },
      // The tree's frame rate while 200 rows move over the same page's idle frame rate: 1 means no frame lost.
      fps_over_idle_ratio: { value: fps(moving) / Math.max(1e-9, fps(idle)), unit: 'x' },
    };
  } finally {
    client.close();
    await browser.close();
    await host.stop();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
