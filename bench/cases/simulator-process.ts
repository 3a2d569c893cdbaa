/**
 * The simulator in a process of its own, as a pool is a machine of its own: a bench client's load is
 * then the client's work plus the wait for the server, not the server's work done on the client's
 * thread. Run with `node --import tsx` by `startSimulatorProcess`; answers with where to connect.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SimulatorOptions } from '../../simulator';

export interface SimulatorProcess {
  masterUrl: string;
  password: string;
  fingerprints: string[];
  stop(): Promise<void>;
}

interface Ready { masterUrl: string; password: string; fingerprints: string[] }

export function startSimulatorProcess(options: SimulatorOptions): Promise<SimulatorProcess> {
  const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(options)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the simulator process ended (${code}) before it was ready`)));
    child.once('message', (ready: Ready) => resolve({
      ...ready,
      stop: async () => {
        child.send('stop');
        await exited;
      },
    }));
  });
}

async function serve(): Promise<void> {
  const { startSimulator } = await import('../../simulator');
  const sim = await startSimulator(JSON.parse(process.argv[2]) as SimulatorOptions);
  process.on('message', () => void sim.stop().then(() => process.exit(0)));
  process.send!({ masterUrl: sim.pools[0].masterUrl, password: sim.password, fingerprints: sim.hosts.map((h) => h.fingerprint256) } satisfies Ready);
}

if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) void serve();
