/**
 * The two other processes of the `hostile` bench, each run with `node --import tsx` by `startHostileProcess`:
 *
 * - `host`: browser mode as it runs for a user (the real backend, file stores, the web host and its bridge;
 *   no demo pools, whose simulator would share the thread), answering with where it listens;
 * - `flood`: an attacker on the same machine (a local process or a web page, without the token) sending malformed
 *   requests as fast as they are answered over FLOOD_SOCKETS connections at once: generated hostile HTTP requests
 *   (odd targets, broken heads and bodies, upgrades to the bridge with broken handshakes or no token). It counts
 *   the answers it got, and can be paused between the bench's flooded measurements. (A page holding the token is
 *   the app's own: what it may do is bounded by the bridge itself, see bridge-socket.ts.)
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

const FLOOD_SOCKETS = 16;

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
  const authority = `127.0.0.1:${address.port}`;
  const requests = fc.sample(hostileRequest({ authority, paths: ['/', '/index.html', '/bridge', '/assets/app.js'], realHeaders: { Origin: address.origin } }), 3000);
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
  const loops = Array.from({ length: FLOOD_SOCKETS }, () => httpLoop());
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
