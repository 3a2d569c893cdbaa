/**
 * The two other processes of the `hostile` bench, each run with `node --import tsx` by `startHostileProcess`:
 *
 * - `host`: browser mode as it runs for a user (the real backend, file stores, the web host and its bridge;
 *   no demo pools, whose simulator would share the thread), answering with where it listens;
 * - `flood`: an attacker on the same machine sending malformed input as fast as it is answered over FLOOD_SOCKETS
 *   connections at once: generated hostile HTTP requests (odd targets, broken heads and bodies, bad upgrades)
 *   and, with the token, bridge sockets broken by protocol violations. It counts the answers it got, and can
 *   be paused between the bench's flooded measurements.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';

export interface HostAddress {
  port: number;
  token: string;
  origin: string;
}

export interface HostileProcess<T> {
  ready: T;
  /** Asks the process something and resolves with its answer. */
  ask(message: string): Promise<unknown>;
  /** Stops the process; resolves with its last word (the flood's count). */
  stop(): Promise<unknown>;
}

const FLOOD_SOCKETS = 64;

export function startHostileProcess<T>(role: 'host' | 'flood', arg?: unknown): Promise<HostileProcess<T>> {
  const child = fork(fileURLToPath(import.meta.url), [role, JSON.stringify(arg ?? null)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the ${role} process ended (${code}) before it was ready`)));
    child.once('message', (ready: T) =>
      resolve({
        ready,
        ask: (message) =>
          new Promise((answer) => {
            child.once('message', answer);
            child.send(message);
          }),
        stop: async () => {
          const last = new Promise<unknown>((r) => child.once('message', r));
          child.send('stop');
          const word = await Promise.race([last, exited.then(() => undefined)]);
          await exited;
          return word;
        },
      }),
    );
  });
}

async function host(): Promise<void> {
  const { startAppUnderAttack } = await import('../../electron/hostile/app-under-attack');
  const app = await startAppUnderAttack({ demo: false });
  // 'cpu': how much of one core this process used since the last ask; anything else: stop.
  let since = { at: performance.now(), cpu: process.cpuUsage() };
  process.on('message', (msg) => {
    if (msg === 'cpu') {
      const cpu = process.cpuUsage(since.cpu);
      const wallMs = performance.now() - since.at;
      since = { at: performance.now(), cpu: process.cpuUsage() };
      process.send!({ busy: (cpu.user + cpu.system) / 1000 / wallMs });
    } else void app.stop().then(() => process.exit(0));
  });
  process.send!({ port: app.host.port, token: app.host.token, origin: app.host.origin } satisfies HostAddress);
}

async function flood(address: HostAddress): Promise<void> {
  const { hostileRequest } = await import('../../electron/hostile/hostile-requests');
  const { RawHttpConnection } = await import('../../electron/hostile/raw-http');
  const { openRawWebSocket, encodeFrame } = await import('../../electron/hostile/raw-ws');
  const authority = `127.0.0.1:${address.port}`;
  const requests = fc.sample(hostileRequest({ authority, paths: ['/', '/index.html', '/bridge', '/assets/app.js'], realHeaders: { Origin: address.origin } }), 3000);
  const violations = [{ opcode: 0x3 }, { opcode: 0x1, masked: false, payload: Buffer.from('{}') }, { opcode: 0x2, declaredLength: 2 ** 40 }, { opcode: 0x1, payload: Buffer.from([0xc3, 0x28]) }, { opcode: 0x9, fin: false }].map(encodeFrame);
  let stopping = false;
  let paused: Promise<void> | undefined;
  let unpause = () => undefined as void;
  let answered = 0;
  let next = 0;
  const httpLoop = async () => {
    const conn = new RawHttpConnection(address.port, '127.0.0.1', 10_000);
    while (!stopping) {
      if (paused) await paused;
      const r = requests[next++ % requests.length];
      try {
        await conn.exchange(r.bytes, { head: r.head });
        answered++;
        if (r.brokenBody) conn.close();
      } catch {
        conn.close();
      }
    }
    conn.close();
  };
  const wsLoop = async () => {
    while (!stopping) {
      if (paused) await paused;
      const ws = await openRawWebSocket(address.port, { path: `/bridge?token=${encodeURIComponent(address.token)}`, origin: address.origin }).catch(() => undefined);
      if (!ws || !('socket' in ws)) continue;
      ws.send(violations[next++ % violations.length]);
      await ws.closedWith(10_000).catch(() => undefined);
      ws.destroy();
      answered++;
    }
  };
  const loops = Array.from({ length: FLOOD_SOCKETS }, (_, i) => (i % 4 === 3 ? wsLoop() : httpLoop()));
  const started = performance.now();
  // 'pause' and 'resume' hold the flood (each loop finishes its exchange first); anything else stops it.
  process.on('message', (msg) => {
    if (msg === 'pause') {
      paused ??= new Promise<void>((resolve) => (unpause = resolve));
      process.send!('paused');
      return;
    }
    if (msg === 'resume') {
      paused = undefined;
      unpause();
      process.send!('resumed');
      return;
    }
    stopping = true;
    paused = undefined;
    unpause();
    void Promise.all(loops).then(() => {
      process.send!({ answered, seconds: (performance.now() - started) / 1000 });
      process.exit(0);
    });
  });
  process.send!({ sockets: FLOOD_SOCKETS });
}

if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) {
  const [role, arg] = process.argv.slice(2);
  void (role === 'host' ? host() : flood(JSON.parse(arg) as HostAddress));
}
