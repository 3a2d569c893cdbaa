/**
 * The `demo` scenario: a small company's servers. Two pools: "Production" (3 Intel hosts, shared NFS SR,
 * ISO library, bond, DMZ VLAN, ~16 Linux and Windows guests in mixed states, HA-ready, a snapshot schedule,
 * an appliance, alerts) and "Lab" (2 AMD hosts, its own shared iSCSI SR, a local ISO folder on xcp-lab-02);
 * and xcp-lab-03, a spare AMD server never joined to Lab: a standalone server (a pool of its own without
 * a name), with local storage only. Cross-pool work goes between all three: a halted VM moves between any
 * of them, a running Lab VM only to the other AMD server.
 */
import type { PoolSim } from '../core';
import type { SeededRandom } from '../random';
import { GiB, PoolBuilder } from './pool-builder';
import { addDefaultTemplates, addRoles } from './templates';
import { addScenarioSnapshot } from '../api/vm-snapshot';
import { addLabContainers, addProductionContainers } from '../containers/scenario-containers';

const DEBIAN12 = { name: 'Debian GNU/Linux 12 (bookworm)', uname: '6.1.0-21-amd64', distro: 'debian', major: '12', minor: '5' };
const UBUNTU2204 = { name: 'Ubuntu 22.04.4 LTS', uname: '5.15.0-105-generic', distro: 'ubuntu', major: '22', minor: '04' };
const ROCKY9 = { name: 'Rocky Linux 9.4 (Blue Onyx)', uname: '5.14.0-427.13.1.el9_4.x86_64', distro: 'rocky', major: '9', minor: '4' };
const win = (edition: string, build: string) => ({ name: `${edition}|C:\\Windows|\\Device\\Harddisk0\\Partition2`, distro: 'windows', major: '10', minor: '0', build, spmajor: '0', spminor: '0' });
const WS2022 = win('Microsoft Windows Server 2022 Standard', '20348');
const WS2019 = win('Microsoft Windows Server 2019 Standard', '17763');
const WIN11 = win('Microsoft Windows 11 Pro', '22631');

const DAY = 86400_000;

export function buildProduction(pool: PoolSim, rng: SeededRandom, now: number): void {
  const b = new PoolBuilder(pool, rng, now);
  b.createPool('Production', 'Main site, rack A');
  const mgmt = b.addNetwork('Pool-wide network associated with eth0', 'xenbr0', 'eth0');
  b.addNetwork('Storage network', 'xenbr1', 'eth1', 'Dedicated NFS traffic');
  // 96 GiB each: with db-primary, web-01, web-02, lb-01 and mail protected, HA covers one host failure (two without db-primary).
  const hosts = ['xcp-prod-01', 'xcp-prod-02', 'xcp-prod-03'].map((name, i) => b.addHost({ name, cpus: 32, memoryGiB: 96, serial: `8QZ3M${i}3` }));
  const vmNet = b.addBond('VM traffic (bond0)', 'xapi1', ['eth2', 'eth3'], 'balance-slb');
  const dmz = b.addVlan('DMZ (VLAN 20)', 20, 'eth0');
  const nfs = b.addSharedSr('NFS VM storage', 'nfs', 'user', 8 * 1024 * GiB, { server: 'nas01.corp.example.com', serverpath: '/export/xen/prod', nfsversion: '4.1' }, 'NetApp FAS2750, volume xen_prod');
  const iso = b.addSharedSr('ISO library', 'iso', 'iso', 500 * GiB, { location: 'nas01.corp.example.com:/export/iso', type: 'nfs_iso' }, 'Installation media');
  const isoVdi = (name: string, gib: number, tools = false) => b.addVdi(iso, name, gib * GiB, 'user', { read_only: true, sharable: true, is_tools_iso: tools, physical_utilisation: gib * GiB });
  const debianIso = isoVdi('debian-12.5.0-amd64-netinst.iso', 1);
  isoVdi('ubuntu-22.04.4-live-server-amd64.iso', 2);
  const winIso = isoVdi('SERVER_EVAL_x64FRE_en-us.iso', 5);
  isoVdi('guest-tools.iso', 1, true);
  pool.db.update('pool', pool.ref, { default_SR: nfs, suspend_image_SR: nfs, crash_dump_SR: nfs });
  addDefaultTemplates(b);
  addRoles(b);
  b.addVm({ name: 'web-base (Debian 12)', description: 'Hardened Debian 12 with nginx, node_exporter and our CA. Clone for new web servers.', os: 'linux', memoryGiB: 2, vcpus: 2, disks: [{ sizeGiB: 20, sr: nfs }], networks: [vmNet], power: 'Halted', template: { isDefault: false }, baseTemplate: 'Debian Bookworm 12' });

  const linux = (name: string, description: string, os: Record<string, string>, memoryGiB: number, vcpus: number, disks: number[], power: 'Running' | 'Halted' | 'Suspended' | 'Paused', host: number, ip: string, extra: Partial<Parameters<PoolBuilder['addVm']>[0]> = {}) =>
    b.addVm({ name, description, os: 'linux', osVersion: os, memoryGiB, vcpus, disks: disks.map((sizeGiB) => ({ sizeGiB, sr: nfs })), networks: [vmNet], ips: [ip], power, host: hosts[host], ...extra });
  const windows = (name: string, description: string, os: Record<string, string>, memoryGiB: number, vcpus: number, disks: number[], power: 'Running' | 'Halted' | 'Suspended' | 'Paused', host: number, ip: string, extra: Partial<Parameters<PoolBuilder['addVm']>[0]> = {}) =>
    b.addVm({ name, description, os: 'windows', osVersion: os, memoryGiB, vcpus, disks: disks.map((sizeGiB) => ({ sizeGiB, sr: nfs })), networks: [vmNet], ips: [ip], power, host: hosts[host], baseTemplate: 'Windows Server 2022 (64-bit)', ...extra });

  const web1 = linux('web-01', 'nginx front end, shop.example.com', DEBIAN12, 4, 2, [20], 'Running', 0, '10.10.20.11', { tags: ['web', 'production'], haRestartPriority: 'restart' });
  const web2 = linux('web-02', 'nginx front end, shop.example.com', DEBIAN12, 4, 2, [20], 'Running', 1, '10.10.20.12', { tags: ['web', 'production'], haRestartPriority: 'restart' });
  const lb = linux('lb-01', 'HAProxy, public VIP 203.0.113.10', DEBIAN12, 2, 2, [10], 'Running', 2, '10.10.20.5', { tags: ['web', 'production'], haRestartPriority: 'restart' });
  const db = linux('db-primary', 'PostgreSQL 16 primary (shop, erp)', DEBIAN12, 32, 8, [40, 500], 'Running', 0, '10.10.30.21', { tags: ['database', 'production'], haRestartPriority: 'restart' });
  linux('db-replica', 'PostgreSQL 16 streaming replica', DEBIAN12, 32, 8, [40, 500], 'Running', 1, '10.10.30.22', { tags: ['database', 'production'] });
  const mail = linux('mail', 'Postfix + Dovecot, mail.example.com', ROCKY9, 8, 4, [40, 200], 'Running', 2, '10.10.20.25', { tags: ['production'], haRestartPriority: 'restart' });
  linux('build-agent-01', 'GitLab runner (docker executor)', UBUNTU2204, 16, 8, [100], 'Running', 1, '10.10.40.31', { tags: ['ci'], otherConfig: { 'xscontainer-monitor': 'True' } });
  linux('build-agent-02', 'GitLab runner (docker executor), spare', UBUNTU2204, 16, 8, [100], 'Halted', 2, '10.10.40.32', { tags: ['ci'], otherConfig: { 'xscontainer-monitor': 'True' } });
  linux('monitoring', 'Prometheus, Grafana, Alertmanager', UBUNTU2204, 8, 4, [50, 250], 'Running', 2, '10.10.40.10', { tags: ['ops'], otherConfig: { 'xscontainer-monitor': 'True' } });
  linux('wiki', 'Internal wiki (paused for a storage check)', DEBIAN12, 4, 2, [30], 'Paused', 0, '10.10.40.15', { tags: ['ops'] });
  linux('backup-proxy', 'Backup proxy, started by the nightly job', DEBIAN12, 4, 4, [20], 'Halted', 1, '10.10.40.40', { tags: ['ops'], isoVdi: debianIso });
  b.addVm({ name: 'vpn-gw', description: 'WireGuard gateway in the DMZ', os: 'linux', osVersion: DEBIAN12, memoryGiB: 1, vcpus: 1, disks: [{ sizeGiB: 8, sr: nfs }], networks: [dmz, mgmt], ips: ['192.0.2.20', '10.10.0.20'], power: 'Running', host: hosts[0], tags: ['dmz'] });
  const ad = windows('win2022-ad', 'Active Directory domain controller, corp.example.com', WS2022, 8, 4, [64], 'Running', 1, '10.10.10.10', { tags: ['windows', 'production'] });
  windows('win2022-files', 'File server (DFS), 2 TB shares', WS2022, 16, 4, [64, 2048], 'Running', 2, '10.10.10.20', { tags: ['windows', 'production'] });
  windows('win2019-sql', 'SQL Server 2019 for the old ERP (suspended during migration)', WS2019, 24, 8, [64, 300], 'Suspended', 0, '10.10.10.30', { tags: ['windows', 'database'], baseTemplate: 'Windows Server 2019 (64-bit)' });
  windows('win11-helpdesk', 'Helpdesk jump box', WIN11, 8, 2, [80], 'Halted', 0, '10.10.10.50', { tags: ['windows'], baseTemplate: 'Windows 11', isoVdi: winIso });

  const schedule = pool.db.create('VMSS', {
    name_label: 'Nightly snapshots', name_description: 'Daily snapshot at 02:00, keep 7', enabled: true, type: 'snapshot', retained_snapshots: 7,
    frequency: 'daily', schedule: { hour: '2', min: '0' }, last_run_time: b.date(DAY / 2),
  });
  for (const vm of [db, web1, mail]) pool.db.update('VM', vm, { snapshot_schedule: schedule });
  // Existing snapshot trees: a disk snapshot then a checkpoint on db-primary, a quiesced one on the domain controller.
  addScenarioSnapshot(pool, db, 'Before PostgreSQL 16 upgrade', 'pg_upgrade from 15; roll back here if the shop breaks', { kind: 'snapshot' }, now - 20 * DAY);
  addScenarioSnapshot(pool, db, 'After upgrade, before schema migration', 'Memory included: revert resumes the running server', { kind: 'checkpoint' }, now - 3 * DAY);
  addScenarioSnapshot(pool, ad, 'Before KB5034439', 'VSS-quiesced before the January cumulative update', { kind: 'snapshot', quiesced: true }, now - 9 * DAY);
  const appliance = pool.db.create('VM_appliance', { name_label: 'Web shop', name_description: 'Load balancer and web servers, started in order', allowed_operations: ['start', 'clean_shutdown', 'hard_shutdown', 'shutdown'] });
  [lb, web1, web2].forEach((vm, i) => pool.db.update('VM', vm, { appliance, order: i, start_delay: i === 0 ? 0 : 10, shutdown_delay: 0 }));
  pool.db.update('pool', pool.ref, { other_config: { ...(pool.record.other_config as Record<string, string>), 'XenCenter.CustomFields.owner': 'string' }, gui_config: {} });

  const hostUuid = (i: number) => String(pool.db.get('host', hosts[i]).uuid);
  const vmUuid = (ref: string) => String(pool.db.get('VM', ref).uuid);
  b.addMessage('ALARM', 3, 'VM', vmUuid(db), '<value>0.93</value><config><variable><name value="cpu_usage"/><alarm_trigger_level value="0.9"/></variable></config>', 2 * 3600_000);
  b.addMessage('ALARM', 2, 'Host', hostUuid(0), '<value>0.96</value><config><variable><name value="memory_free_kib"/><alarm_trigger_level value="0.05"/></variable></config>', 26 * 3600_000);
  b.addMessage('PBD_PLUG_FAILED_ON_SERVER_START', 2, 'Host', hostUuid(2), 'Failed to plug the ISO library on xcp-prod-03 at boot; retried successfully.', 5 * DAY);
  b.addMessage('VM_SNAPSHOT_SCHEDULE_SNAPSHOT_SUCCEEDED', 5, 'VMSS', String(pool.db.get('VMSS', schedule).uuid), 'Snapshots of 3 VMs taken.', DAY / 2);
  b.addMessage('LICENSE_EXPIRES_SOON', 2, 'Host', hostUuid(1), 'Support contract for xcp-prod-02 expires in 14 days.', 3 * DAY);
  b.addMessage('VM_STARTED', 5, 'VM', vmUuid(mail), 'VM mail started on xcp-prod-03', 6 * DAY);
  b.addMessage('HOST_CLOCK_SKEW_DETECTED', 3, 'Host', hostUuid(2), 'The clock of xcp-prod-03 differs from the master by 3 seconds; check NTP.', 9 * DAY);
  b.finish();
  addProductionContainers(pool, rng, now);
}

export function buildLab(pool: PoolSim, rng: SeededRandom, now: number): void {
  const b = new PoolBuilder(pool, rng, now);
  b.createPool('Lab', 'Test and staging lab');
  const net = b.addNetwork('Pool-wide network associated with eth0', 'xenbr0', 'eth0');
  b.addNetwork('Pool-wide network associated with eth1', 'xenbr1', 'eth1');
  const hosts = ['xcp-lab-01', 'xcp-lab-02'].map((name, i) => b.addHost({ name, cpus: 16, memoryGiB: 128, cpuModel: 'AMD EPYC 7313P 16-Core Processor', serial: `LAB0${i}` }));
  const iscsi = b.addSharedSr('Lab iSCSI', 'lvmoiscsi', '', 2 * 1024 * GiB, { target: '10.20.0.5', targetIQN: 'iqn.2023-05.com.example:lab-storage', SCSIid: '36001405a3b1c2d3e4f5a6b7c8d9e0f10' }, 'TrueNAS, zvol lab');
  pool.db.update('pool', pool.ref, { default_SR: iscsi, suspend_image_SR: iscsi, crash_dump_SR: iscsi });
  addDefaultTemplates(b);
  addRoles(b);
  const vm = (name: string, description: string, os: Record<string, string>, kind: 'linux' | 'windows', memoryGiB: number, power: 'Running' | 'Halted', host: number, ip: string) =>
    b.addVm({ name, description, os: kind, osVersion: os, memoryGiB, vcpus: 2, disks: [{ sizeGiB: 40, sr: iscsi }], networks: [net], ips: [ip], power, host: hosts[host], tags: ['lab'] });
  vm('k8s-lab-1', 'k3s server', UBUNTU2204, 'linux', 8, 'Running', 0, '10.20.1.11');
  vm('k8s-lab-2', 'k3s agent', UBUNTU2204, 'linux', 8, 'Running', 1, '10.20.1.12');
  vm('k8s-lab-3', 'k3s agent', UBUNTU2204, 'linux', 8, 'Halted', 1, '10.20.1.13');
  const sandbox = vm('sandbox-01', 'Scratch VM for upgrade tests', DEBIAN12, 'linux', 4, 'Running', 0, '10.20.1.50');
  vm('test-win10', 'Windows client for GPO tests', win('Microsoft Windows 10 Pro', '19045'), 'windows', 8, 'Halted', 0, '10.20.1.60');
  // xcp-lab-02 keeps install media on its own disk (an ISO SR plugged on that host only); rocky9-eval was
  // installed from it and the ISO is still in its drive, so it cannot go to xcp-lab-01 until it is ejected.
  const localIso = b.addSr('Local ISOs on xcp-lab-02', 'iso', 'iso', false, 200 * GiB, [hosts[1]], { description: 'ISO files in /var/opt/iso', deviceConfig: { location: '/var/opt/iso', legacy_mode: 'true' } });
  const rockyIso = b.addVdi(localIso, 'Rocky-9.4-x86_64-minimal.iso', 2 * GiB, 'user', { read_only: true, sharable: true, physical_utilisation: 2 * GiB });
  b.addVm({ name: 'rocky9-eval', description: 'Rocky Linux 9 evaluation (its install ISO is still in the drive)', os: 'linux', osVersion: ROCKY9, memoryGiB: 4, vcpus: 2, disks: [{ sizeGiB: 20, sr: iscsi }], networks: [net], ips: ['10.20.1.70'], power: 'Running', host: hosts[1], tags: ['lab'], isoVdi: rockyIso });
  addScenarioSnapshot(pool, sandbox, 'Clean install', 'Debian 12.5 netinst, nothing else', { kind: 'snapshot' }, now - 30 * DAY);
  addScenarioSnapshot(pool, sandbox, 'Kernel 6.1 + backports', '', { kind: 'snapshot' }, now - 12 * DAY);
  b.addMessage('ALARM', 3, 'SR', String(pool.db.get('SR', iscsi).uuid), '<value>0.85</value><config><variable><name value="physical_utilisation"/><alarm_trigger_level value="0.8"/></variable></config>', 8 * 3600_000);
  b.finish();
  addLabContainers(pool, now);
}

/**
 * xcp-lab-03: a spare AMD server racked for the Lab but never joined to it, so a standalone server: a pool
 * of its own whose name is empty (clients show the host itself), local storage only, the Lab's networks.
 * Running Lab VMs can live-migrate to it (same CPU vendor) with their disks.
 */
export function buildLabSpare(pool: PoolSim, rng: SeededRandom, now: number): void {
  const b = new PoolBuilder(pool, rng, now);
  b.createPool('', '');
  b.addNetwork('Pool-wide network associated with eth0', 'xenbr0', 'eth0');
  b.addNetwork('Pool-wide network associated with eth1', 'xenbr1', 'eth1');
  const host = b.addHost({ name: 'xcp-lab-03', description: 'Lab spare, not joined to the Lab pool', cpus: 16, memoryGiB: 128, cpuModel: 'AMD EPYC 7313P 16-Core Processor', serial: 'LAB02' });
  const local = String(pool.db.get('host', host).suspend_image_sr);
  pool.db.update('pool', pool.ref, { default_SR: local, suspend_image_SR: local, crash_dump_SR: local });
  addDefaultTemplates(b);
  addRoles(b);
  b.finish();
}
