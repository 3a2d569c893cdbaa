/**
 * The Migrate VM wizard's rules on the demo's real records: which disks and interfaces need a place in the
 * destination, which SRs and networks are offered, the defaults, what each page refuses, and the calls
 * Finish makes (snapshot disks following their parent, CDs kept within a pool, copy options).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPools, type DemoPools } from '../../test/demo-pools';
import { candidateSrs, migrationDisks, supportsStorageMigration } from './storage-choices';
import { migrationVifs, targetNetworks, transferNetworks } from './network-choices';
import {
  planFor, skipNetworking, skipTransferNetwork, validateDestination, validateNetworking, validateStorage, validateTransferNetwork, withDestination,
  type MigrationMode, type MigrationState, type Mirrors,
} from './migration-model';

let demo: DemoPools;
let mirrors: Mirrors;
beforeAll(async () => {
  demo = await startDemoPools();
  mirrors = demo.mirrors();
});
afterAll(() => demo?.stop());

const vm = (pool: 'Production' | 'Lab', name: string) => demo.ref(pool, 'VM', name);
const host = (pool: 'Production' | 'Lab', name: string) => demo.ref(pool, 'host', name);
const sr = (pool: 'Production' | 'Lab', name: string) => demo.ref(pool, 'SR', name);
const net = (pool: 'Production' | 'Lab', name: string) => demo.ref(pool, 'network', name);
const srName = (pool: 'Production' | 'Lab', ref: string) => mirrors[pool]!.objects.SR!.get(ref)!.name_label;

/** A wizard state with a destination chosen, as the Destination page leaves it. */
function chosen(mode: MigrationMode, source: 'Production' | 'Lab', vms: string[], to: 'Production' | 'Lab', hostName: string): MigrationState {
  const s: MigrationState = { mode, source, vms: vms.map((n) => vm(source, n)), storage: {}, networks: {} };
  return { ...s, ...withDestination(mirrors, s, { connectionId: to, host: host(to, hostName) }) };
}

describe('what moves', () => {
  it('lists a VM’s own disks, with its snapshots’ disks following each, and no CD', () => {
    const disks = migrationDisks(mirrors.Lab!, vm('Lab', 'sandbox-01'));
    expect(disks.map((d) => d.record.name_label)).toEqual(['sandbox-01 system']);
    expect(disks[0].snapshots).toHaveLength(2);
    for (const s of disks[0].snapshots) expect(mirrors.Lab!.objects.VDI!.get(s)!.snapshot_of).toBe(disks[0].vdi);
    expect(migrationDisks(mirrors.Production!, vm('Production', 'backup-proxy')).map((d) => d.record.name_label)).toEqual(['backup-proxy system']);
  });

  it('lists the VM’s interfaces (snapshots share their MACs, so none is added)', () => {
    const vifs = migrationVifs(mirrors.Lab!, vm('Lab', 'sandbox-01'));
    expect(vifs).toHaveLength(1);
    expect(vifs[0].snapshotOnly).toBe(false);
  });
});

describe('what the destination offers', () => {
  it('offers the SRs that can take part in storage migration and that the receiving host sees: shared NFS and its own local SR, no ISO library', () => {
    const choices = candidateSrs(mirrors.Production!, host('Production', 'xcp-prod-01'), false);
    expect(choices.map((c) => c.label)).toEqual(['NFS VM storage', 'Local storage on xcp-prod-01']);
    const iso = mirrors.Production!.objects.SR!.get(sr('Production', 'ISO library'))!;
    expect(supportsStorageMigration(mirrors.Production!, iso)).toBe(false);
  });

  it('offers VM networks the host reaches, without the bond’s member NICs, and carries the migration on networks with an IP on every host', () => {
    const names = targetNetworks(mirrors.Production!, host('Production', 'xcp-prod-02')).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['VM traffic (bond0)', 'DMZ (VLAN 20)', 'Pool-wide network associated with eth0']));
    expect(names).not.toContain('Pool-wide network associated with eth2');
    // The storage network has no IP address configured: only the management network can carry a migration.
    expect(transferNetworks(mirrors.Production!).map((c) => c.name)).toEqual(['Pool-wide network associated with eth0']);
  });
});

describe('Lab → Production (sandbox-01 halted, a Move across pools)', () => {
  it('defaults each disk to the destination pool’s default SR and each interface to the network of the same name', () => {
    const s = chosen('move', 'Lab', ['sandbox-01'], 'Production', 'xcp-prod-01');
    const [disk] = migrationDisks(mirrors.Lab!, vm('Lab', 'sandbox-01'));
    expect(srName('Production', s.storage[disk.vdi])).toBe('NFS VM storage');
    const [vif] = migrationVifs(mirrors.Lab!, vm('Lab', 'sandbox-01'));
    expect(mirrors.Production!.objects.network!.get(s.networks[vif.vif])!.name_label).toBe('Pool-wide network associated with eth0');
    expect(s.transferNetwork).toBe(net('Production', 'Pool-wide network associated with eth0'));
    expect(skipNetworking(s)).toBe(false);
    expect(skipTransferNetwork(mirrors, s)).toBe(false);
    for (const errors of [validateDestination(mirrors, s), validateStorage(mirrors, s), validateNetworking(mirrors, s), validateTransferNetwork(mirrors, s)]) expect(errors).toEqual({});
  });

  it('sends migrate_send with the disk, its snapshot disks on the same SR, and the interface on the chosen network', () => {
    const s0 = chosen('move', 'Lab', ['sandbox-01'], 'Production', 'xcp-prod-01');
    const [disk] = migrationDisks(mirrors.Lab!, vm('Lab', 'sandbox-01'));
    const [vif] = migrationVifs(mirrors.Lab!, vm('Lab', 'sandbox-01'));
    const s = { ...s0, networks: { [vif.vif]: net('Production', 'VM traffic (bond0)') } };
    const [plan] = planFor(mirrors, s);
    expect(plan).toEqual({
      kind: 'migrate_send',
      vm: vm('Lab', 'sandbox-01'),
      target: { connectionId: 'Production', host: host('Production', 'xcp-prod-01') },
      transferNetwork: net('Production', 'Pool-wide network associated with eth0'),
      vdiMap: Object.fromEntries([disk.vdi, ...disk.snapshots].map((v) => [v, sr('Production', 'NFS VM storage')])),
      vifMap: { [vif.vif]: net('Production', 'VM traffic (bond0)') },
      options: {},
    });
    expect(planFor(mirrors, { ...s, mode: 'copy' })[0]).toMatchObject({ kind: 'migrate_send', options: { copy: 'true' } });
  });

  it('refuses an interface left without a network, a network the host cannot reach, and a migration network without IPs', () => {
    const s = chosen('move', 'Lab', ['sandbox-01'], 'Production', 'xcp-prod-01');
    const [vif] = migrationVifs(mirrors.Lab!, vm('Lab', 'sandbox-01'));
    expect(validateNetworking(mirrors, { ...s, networks: {} })).toEqual({ [`vif:${vif.vif}`]: 'Choose a network for this interface.' });
    expect(validateNetworking(mirrors, { ...s, networks: { [vif.vif]: net('Production', 'Pool-wide network associated with eth2') } })).toEqual({ [`vif:${vif.vif}`]: 'The chosen server cannot reach this network.' });
    expect(validateTransferNetwork(mirrors, { ...s, transferNetwork: net('Production', 'Storage network') })).toEqual({ transferNetwork: 'This network has no IP address on every server of the destination pool.' });
  });

  it('refuses a disk mapped to another host’s local SR, and SRs too small for what is mapped to them', () => {
    const s = chosen('move', 'Lab', ['sandbox-01'], 'Production', 'xcp-prod-01');
    const [disk] = migrationDisks(mirrors.Lab!, vm('Lab', 'sandbox-01'));
    const otherLocal = candidateSrs(mirrors.Production!, host('Production', 'xcp-prod-02'), false).find((c) => !c.shared)!.ref;
    expect(validateStorage(mirrors, { ...s, storage: { [disk.vdi]: otherLocal } })).toEqual({ [`disk:${disk.vdi}`]: 'This storage repository cannot take the disk on the chosen server.' });
    // The big Production VMs onto one local SR of the Lab (1.76 TiB free): more than it holds.
    const big = chosen('move', 'Production', ['win2022-files', 'win2019-sql', 'db-replica', 'db-primary', 'mail', 'monitoring', 'build-agent-01'], 'Lab', 'xcp-lab-01');
    const local = candidateSrs(mirrors.Lab!, host('Lab', 'xcp-lab-01'), false).find((c) => !c.shared)!.ref;
    const all = Object.fromEntries(Object.keys(big.storage).map((d) => [d, local]));
    expect(validateStorage(mirrors, { ...big, storage: all }).page).toMatch(/^Local storage on xcp-lab-01 has 1\.76 TiB free; the disks mapped to it need (1\.[89]|2\.\d)\d? TiB\.$/);
  });
});

describe('within Production', () => {
  it('keeps web-01’s disk on its shared SR: a plain live migration, no Networking or migration network pages', () => {
    const s = chosen('migrate', 'Production', ['web-01'], 'Production', 'xcp-prod-02');
    const [disk] = migrationDisks(mirrors.Production!, vm('Production', 'web-01'));
    expect(srName('Production', s.storage[disk.vdi])).toBe('NFS VM storage');
    expect(skipNetworking(s)).toBe(true);
    expect(skipTransferNetwork(mirrors, s)).toBe(true);
    expect(planFor(mirrors, s)).toEqual([{ kind: 'pool_migrate', vm: vm('Production', 'web-01'), host: host('Production', 'xcp-prod-02') }]);
  });

  it('moves a running VM’s disk to the receiving host’s local SR with migrate_send and an empty interface map', () => {
    const s0 = chosen('migrate', 'Production', ['web-01'], 'Production', 'xcp-prod-02');
    const [disk] = migrationDisks(mirrors.Production!, vm('Production', 'web-01'));
    const local = candidateSrs(mirrors.Production!, host('Production', 'xcp-prod-02'), false).find((c) => !c.shared)!.ref;
    const s = { ...s0, storage: { [disk.vdi]: local } };
    expect(skipTransferNetwork(mirrors, s)).toBe(false);
    expect(planFor(mirrors, s)[0]).toMatchObject({ kind: 'migrate_send', vdiMap: { [disk.vdi]: local }, vifMap: {}, options: {} });
  });

  it('moves a halted VM offline: nothing to do until a disk gets another SR, and its CD stays out of it', () => {
    const s0 = chosen('move', 'Production', ['backup-proxy'], 'Production', 'xcp-prod-01');
    expect(validateStorage(mirrors, s0)).toEqual({ page: 'Every disk stays where it is: choose another storage repository for at least one disk.' });
    expect(skipTransferNetwork(mirrors, s0)).toBe(true);
    const [disk] = migrationDisks(mirrors.Production!, vm('Production', 'backup-proxy'));
    const local = candidateSrs(mirrors.Production!, host('Production', 'xcp-prod-01'), true).find((c) => !c.shared)!.ref;
    const s = { ...s0, storage: { [disk.vdi]: local } };
    expect(validateStorage(mirrors, s)).toEqual({});
    expect(planFor(mirrors, s)).toEqual([{ kind: 'offline_move', vm: vm('Production', 'backup-proxy'), disks: [{ vdi: disk.vdi, sr: local }] }]);
  });

  it('says the VMs are gone when they left the pool meanwhile', () => {
    const s = chosen('migrate', 'Production', ['web-01'], 'Production', 'xcp-prod-02');
    expect(validateDestination(mirrors, { ...s, vms: ['OpaqueRef:gone'] })).toEqual({ page: 'The selected VMs are no longer available: close the wizard and select them again.' });
    expect(validateDestination(mirrors, { ...s, target: undefined })).toEqual({ target: 'Choose the server the VMs go to.' });
  });
});
