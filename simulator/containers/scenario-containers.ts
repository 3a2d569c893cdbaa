/**
 * Puts container stacks into scenario VMs, as a pool that has run xscontainer for a while looks: the guest's
 * engine with its containers in their states, the VM's xscontainer keys (`xscontainer-monitor`, and what
 * xscontainer-prepare-vm and the first SSH connection leave: `xscontainer-username`, `xscontainer-mode`,
 * `xscontainer-sshhostkey`). The docker_ps/docker_info/docker_version keys are written by the monitor when the
 * simulator starts (containers/install.ts).
 */
import type { PoolSim } from '../core';
import { parseXapiDateTime } from '../datetime';
import type { SeededRandom } from '../random';
import { CiRunner } from './ci-runner';
import { poolContainers } from './guest-docker';
import { REGISTRATION_KEY } from './monitor';
import { CI_PROJECTS, generatedStack, labDatabaseStack, monitoringStack, RUNNER_TOKEN, runnerStack, type StackContainer } from './stacks';

const DAY = 86400_000;

function vmByName(pool: PoolSim, name: string): string {
  const ref = pool.db.refs('VM').find((r) => pool.db.get('VM', r).name_label === name);
  if (!ref) throw new Error(`scenario has no VM ${name}`);
  return ref;
}

/** How long ago the VM booted (its VM_metrics.start_time); a halted VM last ran until two days ago. */
function bootAgo(pool: PoolSim, vmRef: string, now: number): number {
  const vm = pool.db.get('VM', vmRef);
  const started = vm.power_state === 'Running' || vm.power_state === 'Paused' ? parseXapiDateTime(String(pool.db.get('VM_metrics', String(vm.metrics)).start_time)) : undefined;
  return started ? now - started : 9 * DAY;
}

/** Marks the VM as prepared by xscontainer-prepare-vm (and monitored or not). */
function prepare(pool: PoolSim, vmRef: string, user: string, monitored: boolean): void {
  const g = poolContainers(pool).guest(vmRef);
  g.keyInstalled = true;
  const vm = pool.db.get('VM', vmRef);
  pool.db.update('VM', vmRef, {
    other_config: {
      ...(vm.other_config as Record<string, string>), [REGISTRATION_KEY]: monitored ? 'True' : 'False', 'xscontainer-username': user, 'xscontainer-mode': 'ssh',
      'xscontainer-sshhostkey': g.hostKey,
    },
  });
}

/** Gives the VM's guest an engine with `stack` in it. */
export function placeStack(pool: PoolSim, vmRef: string, stack: StackContainer[], now: number): void {
  const daemon = poolContainers(pool).addEngine(vmRef);
  const halted = pool.db.get('VM', vmRef).power_state === 'Halted';
  for (const { spec, createdAgo, seed } of stack) {
    const c = daemon.create(spec, now - createdAgo);
    if (seed.state === 'created') continue;
    if (halted && seed.state !== 'exited') {
      // The guest was shut down cleanly two days ago: dockerd stopped what ran, the restart policies wait for the next boot.
      daemon.seed(c, 'exited', { startedAt: now - seed.startedAgo, finishedAt: now - 2 * DAY, exitCode: spec.stop?.exitCode ?? 0 });
    } else if (seed.state === 'exited') {
      daemon.seed(c, 'exited', { startedAt: now - seed.startedAgo, finishedAt: now - seed.finishedAgo, exitCode: seed.exitCode, manuallyStopped: seed.manuallyStopped });
    } else if (seed.state === 'restarting') {
      daemon.seed(c, 'restarting', { startedAt: now - seed.startedAgo, finishedAt: now - seed.startedAgo + (spec.lifetime?.runsForMs ?? 1000), exitCode: seed.exitCode, restartCount: seed.restartCount });
    } else {
      daemon.seed(c, seed.state, { startedAt: now - seed.startedAgo });
    }
  }
}

/** Production: the CI agents' GitLab runners (one busy with a job) and the monitoring VM's compose stack. */
export function addProductionContainers(pool: PoolSim, rng: SeededRandom, now: number): void {
  const pc = poolContainers(pool);
  for (const name of ['build-agent-01', 'build-agent-02']) {
    const vm = vmByName(pool, name);
    prepare(pool, vm, 'ubuntu', true);
    placeStack(pool, vm, runnerStack(bootAgo(pool, vm, now)), now);
  }
  const agent = vmByName(pool, 'build-agent-01');
  const runner = new CiRunner(pc.daemon(agent)!, rng, {
    token: RUNNER_TOKEN, runnerId: 311, concurrent: 2, projects: CI_PROJECTS, idleMs: [90_000, 420_000], jobMs: [70_000, 360_000], failureRate: 0.15,
  });
  void runner.runJob(0, 95_000);
  runner.start();
  const monitoring = vmByName(pool, 'monitoring');
  prepare(pool, monitoring, 'ubuntu', true);
  placeStack(pool, monitoring, monitoringStack(bootAgo(pool, monitoring, now)), now);
}

/**
 * Lab: sandbox-01 is prepared for xscontainer with a test database running but not monitored (turning
 * monitoring on shows its containers); k8s-lab-1 is monitored but runs k3s, not Docker, so xscontainer cannot
 * reach a Docker socket there and says so in an alert.
 */
export function addLabContainers(pool: PoolSim, now: number): void {
  const sandbox = vmByName(pool, 'sandbox-01');
  prepare(pool, sandbox, 'debian', false);
  placeStack(pool, sandbox, labDatabaseStack(bootAgo(pool, sandbox, now)), now);
  prepare(pool, vmByName(pool, 'k8s-lab-1'), 'ubuntu', true);
}

/**
 * The `large` scenario's containers: `count` of them over running Linux VMs, five per VM (more when there are
 * not enough VMs), each VM prepared and monitored; every twentieth such VM is a CI agent whose runner churns
 * job containers.
 */
export function addGeneratedContainers(pool: PoolSim, rng: SeededRandom, now: number, count: number): void {
  if (count <= 0) return;
  const candidates = pool.db.refs('VM').filter((r) => {
    const vm = pool.db.get('VM', r);
    return vm.power_state === 'Running' && !vm.is_control_domain && !vm.is_a_template && pool.guests.get(r)?.os_version.distro !== 'windows';
  });
  if (!candidates.length) return;
  const perVm = Math.max(5, Math.ceil(count / candidates.length));
  let left = count;
  for (let i = 0; left > 0 && i < candidates.length; i++) {
    const vm = candidates[i];
    const n = Math.min(perVm, left);
    left -= n;
    prepare(pool, vm, 'ubuntu', true);
    const project = String(pool.db.get('VM', vm).name_label).replace(/[^a-z0-9]+/g, '');
    const boot = bootAgo(pool, vm, now);
    const ci = i % 20 === 19;
    placeStack(pool, vm, [...(ci ? runnerStack(boot).slice(0, 1) : []), ...generatedStack(project, ci ? n - 1 : n, boot, () => rng.next())], now);
    if (ci) {
      new CiRunner(poolContainers(pool).daemon(vm)!, rng, {
        token: rng.hex(8), runnerId: 1000 + i, concurrent: 1, projects: CI_PROJECTS, idleMs: [60_000, 300_000], jobMs: [60_000, 240_000], failureRate: 0.1,
      }).start();
    }
  }
}
