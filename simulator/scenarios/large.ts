/**
 * The `large` scenario for performance work: one pool of N hosts and M VMs (default 16 × 5,000), each VM
 * with a disk (VBD + VDI on the shared SR), a CD drive and a VIF; about 70 % running. With `containerCount`,
 * that many Docker containers in monitored running VMs (containers/scenario-containers.ts).
 */
import type { PoolSim } from '../core';
import type { SeededRandom } from '../random';
import { GiB, PoolBuilder } from './pool-builder';
import { addDefaultTemplates, addRoles } from './templates';
import { addGeneratedContainers } from '../containers/scenario-containers';

export function buildLarge(pool: PoolSim, rng: SeededRandom, now: number, hostCount: number, vmCount: number, containerCount = 0): void {
  const b = new PoolBuilder(pool, rng, now);
  b.createPool('Datacenter', `Generated pool: ${hostCount} hosts, ${vmCount} VMs`);
  const mgmt = b.addNetwork('Pool-wide network associated with eth0', 'xenbr0', 'eth0');
  const nets = [mgmt, ...Array.from({ length: 7 }, (_, i) => b.addNetwork(`VLAN ${100 + i}`, `xapi${100 + i}`, undefined))];
  // Hosts sized so that ~70 % of the VMs fit running.
  const perHostGiB = Math.max(256, Math.ceil((vmCount * 0.75 * 2.2) / Math.max(1, hostCount) / 64) * 64 + 64);
  const hosts = Array.from({ length: hostCount }, (_, i) => b.addHost({ name: `host-${String(i + 1).padStart(3, '0')}`, cpus: 64, memoryGiB: perHostGiB }));
  const sr = b.addSharedSr('Shared SAN', 'lvmohba', 'user', 200 * 1024 * GiB, { SCSIid: '3600a098038304338415d4b4159487a6f' });
  pool.db.update('pool', pool.ref, { default_SR: sr });
  addDefaultTemplates(b);
  addRoles(b);
  const os = [
    { name: 'Debian GNU/Linux 12 (bookworm)', distro: 'debian', major: '12', minor: '5', uname: '6.1.0-21-amd64' },
    { name: 'Ubuntu 22.04.4 LTS', distro: 'ubuntu', major: '22', minor: '04', uname: '5.15.0-105-generic' },
    { name: 'Rocky Linux 9.4 (Blue Onyx)', distro: 'rocky', major: '9', minor: '4', uname: '5.14.0-427.13.1.el9_4.x86_64' },
  ];
  for (let i = 0; i < vmCount; i++) {
    const running = rng.next() < 0.7;
    b.addVm({
      name: `vm-${String(i + 1).padStart(5, '0')}`, description: `generated VM ${i + 1}`, os: 'linux', osVersion: os[i % os.length], memoryGiB: 2, vcpus: 2,
      disks: [{ sizeGiB: 20, sr }], networks: [nets[i % nets.length]], ips: [`10.${100 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`],
      power: running ? 'Running' : 'Halted', host: hosts[i % hostCount], tags: i % 10 === 0 ? ['tier-1'] : [],
    });
  }
  b.finish();
  addGeneratedContainers(pool, rng, now, containerCount);
}
