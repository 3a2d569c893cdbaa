/** Shared setup for the contract tests: a demo simulator in a temp state folder, fast simulated time. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { Xapi, type XapiObject } from 'xen-api';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../index';
import { login } from './json-rpc-client';

export type Transport = 'json-rpc' | 'xml-rpc';

export type TestSimulator = RunningSimulator & { cleanup(): Promise<void> };

export async function startTestSimulator(opts: SimulatorOptions = {}): Promise<TestSimulator> {
  const stateDir = mkdtempSync(join(tmpdir(), 'xendeck-sim-'));
  // 50× simulated time: a 4 s VM start takes 80 ms of wall time.
  const sim = await startSimulator({ scenario: 'demo', stateDir, seed: 7, timeScale: 50, ...opts });
  return Object.assign(sim, {
    async cleanup() {
      await sim.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  });
}

/** A test simulator and a JSON-RPC session on its first host over plain HTTP: where the over-the-wire API tests start. */
export async function startSignedIn(opts: SimulatorOptions = {}): Promise<{ sim: TestSimulator; url: string; session: string }> {
  const sim = await startTestSimulator(opts);
  const url = sim.hosts[0].httpUrl;
  return { sim, url, session: await login(url) };
}

export function client(url: string, transport: Transport, password = 'xendeck'): Xapi {
  const xapi = new Xapi({
    url, auth: { user: 'root', password }, allowUnauthorized: true, transport,
    watchEvents: ['pool', 'host', 'host_metrics', 'VM', 'VM_metrics', 'VM_guest_metrics', 'task', 'message', 'SR', 'VDI', 'VBD', 'VIF', 'network', 'PIF'],
    // Retry quickly after a failed event.from so fault tests do not wait a minute.
    eventPollDelay: 200,
    roCallRetryOptions: { delay: 100, tries: 5 },
  });
  // xen-api logs its own retries with console.warn; keep test output readable.
  return xapi;
}

export function objectsOfType(xapi: Xapi, type: string): XapiObject[] {
  return Object.values(xapi.objects.all).filter((o) => o.$type === type);
}

/** Resolves when `predicate` holds, checked on every cache change (xen-api emits 'objects' updates). */
export async function eventually<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * For a describe block: a test simulator and a connected xen-api client over `transport`, started before its
 * tests and stopped after them (xen-api's retry warnings silenced meanwhile). Read them through the getters.
 */
export function xenApiOnDemo(transport: Transport): { readonly sim: TestSimulator; readonly xapi: Xapi } {
  const quiet = console.warn;
  let sim: TestSimulator | undefined;
  let xapi: Xapi | undefined;
  beforeAll(async () => {
    console.warn = () => undefined;
    sim = await startTestSimulator();
    xapi = client(sim.url, transport);
    await xapi.connect();
    await xapi.objectsFetched;
  });
  afterAll(async () => {
    await xapi?.disconnect();
    await sim?.cleanup();
    console.warn = quiet;
  });
  return {
    get sim() {
      return sim!;
    },
    get xapi() {
      return xapi!;
    },
  };
}
