/**
 * Bench case `ui`: the renderer on a big pool, in browser mode, in Chromium. A `large` simulator
 * (16 hosts, 5,000 VMs) runs in this process; browser mode (dist/web-host) runs as a child process
 * without its demo pools; the page is the real app. Measured:
 *
 * - `connect_to_tree_ms`: from `connections.add` (sent by this process over the bridge WebSocket, as the
 *   Add server dialog does) to the first VM row under a host in the tree;
 * - `mirror_to_tree_ms`: from the page applying the full load (performance mark `xendeck:mirror-loaded`)
 *   to that row: the renderer's own cost (target ≤ 1,500 ms);
 * - while the simulator changes 5,000 VMs per second for 10 s (500 every 100 ms): the page's long tasks
 *   (PerformanceObserver 'longtask': count, longest, total; target: none over 50 ms) and the VM records
 *   that reached the bridge per second (checks the churn really arrived);
 * - `heap_mb`: the page's JS heap after a GC at the end (target ≤ 250 MB);
 * - then a reload: the new page fetches the pool's snapshot (in chunks of about 1 MB) instead of
 *   receiving a load: `reload_to_tree_ms` from navigation to the first VM row with the pool loaded,
 *   and the long tasks meanwhile.
 *
 * With `--containers N` (`npm run bench -- ui --containers 5000`) the pool's running Linux VMs also run N
 * Docker containers (five per VM, xscontainer monitoring them) and, after the VM churn, containers churn
 * for 10 s: `CONTAINER_CHANGES_PER_TICK` containers in as many VMs are paused or unpaused every 100 ms (on
 * top of the CI runners' own jobs), so xscontainer's monitor rewrites those VMs' docker_ps and the tree
 * follows: the page's long tasks meanwhile (target: none over 50 ms) and the docker_ps updates that
 * reached the bridge per second. Its peer, just before: as many VMs renamed per tick (a change the tree
 * shows too); `container_over_rename_long_task_ratio` compares the two phases' long-task time.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium, type Page } from 'playwright-core';
import NodeWebSocket from 'ws';
import { startSimulator } from '../../simulator';
import { poolContainers } from '../../simulator/containers/guest-docker';
import type { Container } from '../../simulator/containers/container';
import { buildIfNeeded } from '../../scripts/build-if-needed.mjs';
import type { BenchFigures, BenchOptions } from './index';

const root = join(import.meta.dirname, '..', '..');
const CHURN_PER_TICK = 500;
const TICK_MS = 100;
const CHURN_MS = 10_000;
/** Containers paused or unpaused per 100 ms tick during the container churn (each in another VM). */
const CONTAINER_CHANGES_PER_TICK = 10;

type SimPool = Awaited<ReturnType<typeof startSimulator>>['pools'][number];

export interface WebHost {
  url: string;
  origin: string;
  token: string;
  stop(): Promise<void>;
}

export async function startWebHost(stateDir: string): Promise<WebHost> {
  // XENDECK_UI_RENDERER_DIR: serve another renderer build (e.g. `vite build --minify false` for readable profiles).
  const rendererDir = process.env.XENDECK_UI_RENDERER_DIR ? ['--renderer-dir', process.env.XENDECK_UI_RENDERER_DIR] : [];
  const child = spawn(process.execPath, [join(root, 'dist', 'web-host', 'web-host.mjs'), '--json', '--port', '0', '--state-dir', stateDir, '--no-demo', ...rendererDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, XENDECK_STATE_DIR: stateDir },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const info = await new Promise<{ url: string; origin: string; token: string }>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)));
    });
    child.once('exit', (code) => reject(new Error(`browser mode exited with code ${code}`)));
  });
  return { ...info, stop: async () => (child.kill('SIGTERM'), exited) };
}

/** A second bridge client (what the page's own socket speaks), to add the server and watch what arrives. */
export function bridgeClient(host: WebHost) {
  const ws = new NodeWebSocket(`${host.origin.replace('http', 'ws')}/bridge?token=${encodeURIComponent(host.token)}`, { headers: { Origin: host.origin } });
  let nextId = 1;
  const pending = new Map<number, (frame: { ok: boolean; result?: unknown; error?: unknown }) => void>();
  const listeners = new Set<(event: string, payload: unknown) => void>();
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { type: string; id?: number; event?: string; payload?: unknown; ok?: boolean; result?: unknown; error?: unknown };
    if (frame.type === 'response') pending.get(frame.id!)?.(frame as never);
    else for (const l of listeners) l(frame.event!, frame.payload);
  });
  const opened = new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject)));
  return {
    opened,
    request: async (name: string, args?: unknown) => {
      await opened;
      const id = nextId++;
      const reply = await new Promise<{ ok: boolean; result?: unknown; error?: unknown }>((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify({ type: 'request', id, name, args }));
      });
      if (!reply.ok) throw new Error(`${name} failed: ${JSON.stringify(reply.error)}`);
      return reply.result;
    },
    on: (l: (event: string, payload: unknown) => void) => listeners.add(l),
    close: () => ws.close(),
  };
}

/** Installed in the page before the app: long tasks and the time the first VM row appears under a host. */
export function pageProbe() {
  const w = window as unknown as { __ui: { longTasks: number[]; since: number; firstVmRowAt?: number } };
  w.__ui = { longTasks: [], since: 0 };
  new PerformanceObserver((list) => {
    // Entries are delivered after the fact: count each in the phase it started in.
    for (const e of list.getEntries()) if (e.startTime >= w.__ui.since) w.__ui.longTasks.push(e.duration);
  }).observe({ type: 'longtask', buffered: true });
  // Time each bridge message's handling (parse, store update and the synchronous React render it triggers).
  const handlerTimes: { ms: number; bytes: number; at: number }[] = [];
  (w.__ui as unknown as { handlerTimes: typeof handlerTimes }).handlerTimes = handlerTimes;
  const proto = globalThis.WebSocket.prototype as unknown as { addEventListener: (type: string, listener: unknown, options?: unknown) => void };
  const add = proto.addEventListener;
  proto.addEventListener = function (this: unknown, type: string, listener: unknown, options?: unknown) {
    if (type !== 'message' || typeof listener !== 'function') return add.call(this, type, listener, options);
    return add.call(this, type, (e: Event) => {
      const t = performance.now();
      listener.call(this, e);
      handlerTimes.push({ ms: performance.now() - t, bytes: String((e as MessageEvent).data).length, at: t });
    }, options);
  };
  const watch = new MutationObserver(() => {
    if (w.__ui.firstVmRowAt === undefined && document.querySelector('[role="treeitem"][aria-level="3"]')) {
      w.__ui.firstVmRowAt = performance.now();
      watch.disconnect();
    }
  });
  document.addEventListener('DOMContentLoaded', () => watch.observe(document.body, { childList: true, subtree: true }));
}

/** The page's long tasks from now on (cleared). */
export async function resetLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const ui = (window as unknown as { __ui: { longTasks: number[]; since: number } }).__ui;
    ui.longTasks = [];
    ui.since = performance.now();
  });
}

export const pageLongTasks = (page: Page) => page.evaluate(() => (window as unknown as { __ui: { longTasks: number[] } }).__ui.longTasks.slice());

export async function uiBench(options: BenchOptions = {}): Promise<BenchFigures> {
  buildIfNeeded({ log: (line: string) => console.error(line) });
  const containers = Number(options.containers ?? 0);
  if (!Number.isInteger(containers) || containers < 0) throw new Error(`--containers wants a number of containers, not ${options.containers}`);
  const dir = mkdtempSync(join(tmpdir(), 'xendeck-bench-ui-'));
  const sim = await startSimulator({ scenario: 'large', hosts: 16, vms: 5000, containers, seed: 1, stateDir: join(dir, 'sim') });
  const host = await startWebHost(join(dir, 'state'));
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--js-flags=--expose-gc'] });
  const client = bridgeClient(host);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(pageProbe);
    await page.goto(host.url);
    await page.getByRole('searchbox', { name: 'Search resources' }).waitFor();

    // Add the pool as the Add server dialog does; trust its certificate when asked (first contact).
    const pool = sim.pools[0];
    let connectionId = '';
    let vmRecordsSeen = 0;
    let dockerPsSeen = 0;
    client.on((event, payload) => {
      if (event === 'connections.certificatePrompt') {
        const p = payload as { id: string; certificate: { fingerprint256: string } };
        void client.request('connections.answerCertificate', { id: p.id, fingerprint256: p.certificate.fingerprint256, trust: true });
      } else if (event === 'mirror.batch') {
        const b = payload as { modified: Record<string, Record<string, unknown>> };
        const modified = Object.values(b.modified.VM ?? {});
        vmRecordsSeen += modified.length;
        for (const vm of modified as Record<string, unknown>[]) if (typeof (vm.other_config as Record<string, unknown> | undefined)?.docker_ps === 'string') dockerPsSeen++;
      }
    });
    await client.opened;
    const tStart = await page.evaluate(() => performance.now());
    const added = (await client.request('connections.add', { address: pool.masterUrl, user: 'root', password: sim.password, remember: false })) as { id: string };
    connectionId = added.id;
    await page.waitForFunction(() => (window as unknown as { __ui: { firstVmRowAt?: number } }).__ui.firstVmRowAt !== undefined, undefined, { timeout: 120_000, polling: 100 });
    const { firstVmRowAt, mirrorLoadedAt } = await page.evaluate(() => ({
      firstVmRowAt: (window as unknown as { __ui: { firstVmRowAt: number } }).__ui.firstVmRowAt,
      mirrorLoadedAt: performance.getEntriesByName('xendeck:mirror-loaded')[0]?.startTime ?? NaN,
    }));
    // XENDECK_UI_SCREENSHOT=file.png: how the window looks with the big pool (to look at, not measured).
    if (process.env.XENDECK_UI_SCREENSHOT) await page.screenshot({ path: process.env.XENDECK_UI_SCREENSHOT });
    const loadLongTasks = await page.evaluate(() => (window as unknown as { __ui: { longTasks: number[] } }).__ui.longTasks.slice());

    // Settle, then churn: 5,000 VM changes per second for 10 s while the page shows the tree.
    await new Promise((r) => setTimeout(r, 2000));
    await resetLongTasks(page);
    vmRecordsSeen = 0;
    const vms = pool.db.refs('VM').filter((r) => !pool.db.get('VM', r).is_control_domain && !pool.db.get('VM', r).is_a_template);
    // XENDECK_UI_PROFILE=file.cpuprofile: a CPU profile of the page during the churn (open it in DevTools).
    const profile = process.env.XENDECK_UI_PROFILE ? await page.context().newCDPSession(page) : undefined;
    if (profile) {
      await profile.send('Profiler.enable');
      await profile.send('Profiler.start');
    }
    let tick = 0;
    const churnStart = performance.now();
    while (performance.now() - churnStart < CHURN_MS) {
      const t = performance.now();
      for (let i = 0; i < CHURN_PER_TICK; i++) {
        const ref = vms[(tick * CHURN_PER_TICK + i) % vms.length];
        pool.db.update('VM', ref, { name_description: `changed at tick ${tick}`, memory_target: (1 + (tick % 4)) * 1024 ** 3 });
      }
      tick++;
      await new Promise((r) => setTimeout(r, Math.max(0, TICK_MS - (performance.now() - t))));
    }
    const churnSeconds = (performance.now() - churnStart) / 1000;
    await new Promise((r) => setTimeout(r, 1500)); // let the last batches land
    if (profile) writeFileSync(process.env.XENDECK_UI_PROFILE!, JSON.stringify((await profile.send('Profiler.stop')).profile));
    const handlers = await page.evaluate(() => (window as unknown as { __ui: { handlerTimes: { ms: number; bytes: number; at: number }[] } }).__ui.handlerTimes.slice());
    if (process.env.XENDECK_UI_VERBOSE) console.error(handlers.filter((h) => h.ms > 30).map((h) => `${h.at.toFixed(0)}: ${h.ms.toFixed(0)} ms for ${(h.bytes / 1e6).toFixed(2)} MB`).join('\n'));
    const churnLongTasks = await pageLongTasks(page);

    // Container churn: containers paused and unpaused in many VMs; xscontainer rewrites their docker_ps.
    const containerChurn = containers > 0 ? await churnContainers(page, pool, () => dockerPsSeen) : undefined;

    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    void connectionId;

    // Reload: the new page asks for the pool's snapshot (in chunks) instead of receiving its load.
    await page.reload();
    await page.waitForFunction(() => performance.getEntriesByName('xendeck:mirror-loaded').length > 0 && (window as unknown as { __ui: { firstVmRowAt?: number } }).__ui.firstVmRowAt !== undefined, undefined, { timeout: 120_000, polling: 100 });
    const reload = await page.evaluate(() => ({
      // Times since the reloaded page's navigation started.
      loadedAt: performance.getEntriesByName('xendeck:mirror-loaded')[0].startTime,
      treeAt: (window as unknown as { __ui: { firstVmRowAt: number } }).__ui.firstVmRowAt,
      longTasks: (window as unknown as { __ui: { longTasks: number[] } }).__ui.longTasks.slice(),
    }));

    const max = (xs: number[]) => (xs.length ? Math.max(...xs) : 0);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    console.error(
      `ui: tree after ${(firstVmRowAt - tStart).toFixed(0)} ms from connect, ${(firstVmRowAt - mirrorLoadedAt).toFixed(0)} ms after the mirror was applied; ` +
        `load: ${loadLongTasks.length} long tasks (max ${max(loadLongTasks).toFixed(0)} ms); churn: ${(tick * CHURN_PER_TICK / churnSeconds).toFixed(0)} VM changes/s made, ` +
        `${(vmRecordsSeen / churnSeconds).toFixed(0)}/s delivered, ${churnLongTasks.length} long tasks (max ${max(churnLongTasks).toFixed(0)} ms); heap ${(heap.usedSize / 2 ** 20).toFixed(0)} MB; ` +
        `reload: pool loaded ${reload.loadedAt.toFixed(0)} ms and tree ${reload.treeAt.toFixed(0)} ms after navigation, ${reload.longTasks.length} long tasks (max ${max(reload.longTasks).toFixed(0)} ms)` +
        (containerChurn
          ? `; containers (${containers}): ${containerChurn.changesPerS.toFixed(0)} container changes/s made, ${containerChurn.dockerPsPerS.toFixed(0)} docker_ps updates/s delivered, ` +
            `${containerChurn.longTasks.length} long tasks (max ${max(containerChurn.longTasks).toFixed(0)} ms, total ${sum(containerChurn.longTasks).toFixed(0)} ms); ` +
            `peer, as many VM renames: ${containerChurn.renames.changesPerS.toFixed(0)}/s, ${containerChurn.renames.longTasks.length} long tasks (max ${max(containerChurn.renames.longTasks).toFixed(0)} ms, total ${sum(containerChurn.renames.longTasks).toFixed(0)} ms)`
          : ''),
    );
    return {
      connect_to_tree_ms: { value: firstVmRowAt - tStart, unit: 'ms' },
      mirror_to_tree_ms: { value: firstVmRowAt - mirrorLoadedAt, unit: 'ms' },
      load_long_tasks: { value: loadLongTasks.length, unit: 'count' },
      load_longest_task_ms: { value: max(loadLongTasks), unit: 'ms' },
      churn_vm_changes_per_s: { value: (tick * CHURN_PER_TICK) / churnSeconds, unit: '1/s' },
      churn_delivered_per_s: { value: vmRecordsSeen / churnSeconds, unit: '1/s' },
      churn_long_tasks: { value: churnLongTasks.length, unit: 'count' },
      churn_longest_task_ms: { value: max(churnLongTasks), unit: 'ms' },
      churn_long_task_total_ms: { value: sum(churnLongTasks), unit: 'ms' },
      heap_mb: { value: heap.usedSize / 2 ** 20, unit: 'MB' },
      reload_to_tree_ms: { value: reload.treeAt, unit: 'ms' },
      reload_long_tasks: { value: reload.longTasks.length, unit: 'count' },
      reload_longest_task_ms: { value: max(reload.longTasks), unit: 'ms' },
      ...(containerChurn
        ? {
            container_churn_changes_per_s: { value: containerChurn.changesPerS, unit: '1/s' },
            container_churn_docker_ps_per_s: { value: containerChurn.dockerPsPerS, unit: '1/s' },
            container_churn_long_tasks: { value: containerChurn.longTasks.length, unit: 'count' },
            container_churn_longest_task_ms: { value: max(containerChurn.longTasks), unit: 'ms' },
            container_churn_long_task_total_ms: { value: sum(containerChurn.longTasks), unit: 'ms' },
            rename_peer_changes_per_s: { value: containerChurn.renames.changesPerS, unit: '1/s' },
            rename_peer_long_tasks: { value: containerChurn.renames.longTasks.length, unit: 'count' },
            rename_peer_longest_task_ms: { value: max(containerChurn.renames.longTasks), unit: 'ms' },
            rename_peer_long_task_total_ms: { value: sum(containerChurn.renames.longTasks), unit: 'ms' },
            // Container churn's page time over the peer's: 1 means containers cost what any change the tree shows costs.
            container_over_rename_long_task_ratio: { value: sum(containerChurn.longTasks) / Math.max(1, sum(containerChurn.renames.longTasks)), unit: 'x' },
          }
        : {}),
    };
  } finally {
    client.close();
    await browser.close();
    await host.stop();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `tick(n)` every 100 ms for 10 s, then lets the last changes land: the page's long tasks meanwhile. */
async function measureChurn(page: Page, tick: (n: number) => number, profileFile?: string): Promise<{ changesPerS: number; seconds: number; longTasks: number[] }> {
  await resetLongTasks(page);
  const profile = profileFile ? await page.context().newCDPSession(page) : undefined;
  if (profile) {
    await profile.send('Profiler.enable');
    await profile.send('Profiler.start');
  }
  let changes = 0;
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < CHURN_MS) {
    const t = performance.now();
    changes += tick(n++);
    await new Promise((r) => setTimeout(r, Math.max(0, TICK_MS - (performance.now() - t))));
  }
  const seconds = (performance.now() - start) / 1000;
  await new Promise((r) => setTimeout(r, 1500)); // xscontainer rewrites docker_ps 0.5 s after a change; then the batches
  if (profile) writeFileSync(profileFile!, JSON.stringify((await profile.send('Profiler.stop')).profile));
  return { changesPerS: changes / seconds, seconds, longTasks: await pageLongTasks(page) };
}

/**
 * Container churn and its peer. The peer: as many VMs per tick renamed (a change the tree shows, so it
 * rebuilds the tree as a docker_ps change does), with the same VM open. Then the containers: the same
 * number of running containers, each in another monitored VM, paused or unpaused per tick through the
 * guests' Docker engines (as `docker pause` in the guest would); the monitor rewrites each VM's docker_ps.
 */
async function churnContainers(page: Page, pool: SimPool, dockerPsSeen: () => number) {
  const pc = poolContainers(pool.pool);
  const guests = [...pc.guests.entries()].flatMap(([vmRef, g]) => (g.daemon?.up ? [{ vmRef, engine: g.daemon }] : []));
  if (guests.length === 0) throw new Error('no Docker engine runs in the pool: was --containers given?');
  // Settle after the VM churn; the page shows the tree with one monitored VM open (its container rows drawn).
  // The page asked about the certificate too (this process answered it): its question is moot, close it.
  const question = page.getByRole('dialog', { name: /^Trust the certificate/ });
  if (await question.isVisible()) await question.getByRole('button', { name: 'Trust' }).click();
  const vmWithContainers = page.locator('[role="treeitem"][aria-level="3"][aria-expanded="false"]').first();
  await vmWithContainers.click();
  await page.keyboard.press('ArrowRight');
  await page.locator('[role="treeitem"][aria-level="4"]').first().waitFor();
  await new Promise((r) => setTimeout(r, 2000));

  const at = (n: number, i: number) => guests[(n * CONTAINER_CHANGES_PER_TICK + i) % guests.length];
  const renames = await measureChurn(page, (n) => {
    for (let i = 0; i < CONTAINER_CHANGES_PER_TICK; i++) {
      const { vmRef } = at(n, i);
      const label = String(pool.db.get('VM', vmRef).name_label).replace(/ \(renamed \d+\)$/, '');
      pool.db.update('VM', vmRef, { name_label: `${label} (renamed ${n})` });
    }
    return CONTAINER_CHANGES_PER_TICK;
  }, process.env.XENDECK_UI_RENAME_PROFILE);
  await new Promise((r) => setTimeout(r, 2000));

  // XENDECK_UI_CONTAINER_PROFILE=file.cpuprofile: a CPU profile of the page during the container churn.
  const seenBefore = dockerPsSeen();
  const churn = await measureChurn(page, (n) => {
    let changes = 0;
    for (let i = 0; i < CONTAINER_CHANGES_PER_TICK; i++) {
      const { engine } = at(n, i);
      const c = [...engine.containers.values()].find((x: Container) => x.running && !x.restarting);
      if (!c) continue;
      void (c.paused ? engine.unpause(c) : engine.pause(c)).catch(() => undefined);
      changes++;
    }
    return changes;
  }, process.env.XENDECK_UI_CONTAINER_PROFILE);
  return { ...churn, dockerPsPerS: (dockerPsSeen() - seenBefore) / churn.seconds, renames };
}
