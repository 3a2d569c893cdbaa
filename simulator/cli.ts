/**
 * `npm run sim -- --scenario demo|large|dump [FILE] [--port N] [--hosts N] [--vms M] [--containers C] [--seed N]
 *   [--password P] [--state-dir DIR] [--address IP] [--time-scale X] [--certificates per-host|shared] [--verbose]`
 * Prints every host's URL and certificate fingerprint, the credentials (for a dump: one line on what loading it
 * left out, repaired and filled; `--verbose` lists it all), then runs until Ctrl+C.
 */
import { parseArgs } from 'node:util';
import { startSimulator, type SimulatorOptions } from './index';
import { DumpError } from './dump/report';
import { describeCertificates } from './certificate-line';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    scenario: { type: 'string', default: 'demo' },
    port: { type: 'string', default: '0' },
    hosts: { type: 'string' },
    vms: { type: 'string' },
    containers: { type: 'string' },
    seed: { type: 'string' },
    password: { type: 'string' },
    'state-dir': { type: 'string' },
    address: { type: 'string' },
    'time-scale': { type: 'string' },
    certificates: { type: 'string' },
    verbose: { type: 'boolean', short: 'v' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log('usage: npm run sim -- --scenario demo|large|dump [FILE] [--port N] [--hosts N] [--vms M] [--containers C] [--seed N] [--password P] [--state-dir DIR] [--address IP] [--time-scale X] [--certificates per-host|shared] [--verbose]');
  process.exit(0);
}

const scenario = values.scenario as SimulatorOptions['scenario'];
const opts: SimulatorOptions = {
  scenario,
  port: Number(values.port),
  hosts: values.hosts ? Number(values.hosts) : undefined,
  vms: values.vms ? Number(values.vms) : undefined,
  containers: values.containers ? Number(values.containers) : undefined,
  seed: values.seed ? Number(values.seed) : undefined,
  password: values.password,
  stateDir: values['state-dir'],
  address: values.address,
  timeScale: values['time-scale'] ? Number(values['time-scale']) : undefined,
  dumpFile: scenario === 'dump' ? positionals[0] : undefined,
  certificates: values.certificates === 'shared' || values.certificates === 'per-host' ? values.certificates : undefined,
};

if (scenario === 'dump' && !opts.dumpFile) {
  console.error('scenario dump needs the database file: npm run sim -- --scenario dump FILE');
  process.exit(2);
}

const t0 = performance.now();
const sim = await startSimulator(opts).catch((err: unknown) => {
  // A database that cannot be loaded: say where (file, line, table, row, field), without a stack trace.
  if (err instanceof DumpError) {
    console.error(`cannot load ${err.message}`);
    process.exit(1);
  }
  throw err;
});
const ms = performance.now() - t0;
/** A pool without a name and with one host is a standalone server, which clients show as that host. */
const poolWords = (p: (typeof sim.pools)[number]) => (p.name ? `pool ${p.name}` : p.pool.hosts.length === 1 ? `standalone server ${p.pool.hosts[0].name}` : 'pool (without a name)');
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const counts = sim.pools.map((p) => `${poolWords(p)}: ${plural(p.db.count('host'), 'host')}, ${plural([...p.db.all('VM')].filter(([, v]) => !v.is_a_template && !v.is_control_domain).length, 'VM')}`).join('; ');
console.log(`XenDeck XAPI simulator: scenario ${scenario} ready in ${(ms / 1000).toFixed(2)} s (${counts})`);
if (sim.dumpReport) {
  console.log(`database: ${sim.dumpReport.summary()}`);
  if (values.verbose) for (const line of sim.dumpReport.details()) console.log(`  ${line}`);
}
console.log(`credentials: user root, password ${sim.password}`);
console.log(describeCertificates(sim.sim));
console.log(`addresses: ${sim.addressMode === 'per-host-ip' ? 'one loopback IP per host, same port' : 'one port per host (host.address is IP:PORT)'}`);
for (const p of sim.pools) {
  console.log(`${poolWords(p)} (pool ${p.uuid})`);
  for (const h of p.pool.hosts) {
    const master = h.isMaster ? ' [master]' : '';
    console.log(`  ${h.name.padEnd(16)} ${h.url}  (also ${h.httpUrl})  address ${h.address}${master}  fingerprint: ${h.fingerprint256}`);
  }
}
console.log('control endpoint (localhost only): POST <host url>/sim/control/<kill-host|restart-host|drop-connections|delay|malformed|expire-event-tokens|invalidate-sessions|reset|advance-clock>, GET …/sim/control/state');
console.log(`control token: ${sim.controlToken} (send Authorization: Bearer <token>)`);

const shutdown = async () => {
  await sim.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
