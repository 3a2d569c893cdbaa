/**
 * The Migrate VM wizard's state and rules without React (XenCenter's CrossPoolMigrateWizard, its modes
 * Migrate, Move and Copy): where the VMs go, where each disk and interface lands, which network carries
 * the move, what each page checks before Next, and what Finish does for each VM:
 *
 * - within the pool, no disk changing SR: `VM.pool_migrate` (a live migration);
 * - a halted VM within the pool with disks changing SR: an offline move (VDI.copy, VDI.destroy, VBD.create);
 * - anything else (another pool, a running VM's disks changing SR, a copy): `host.migrate_receive` on the
 *   destination, then `VM.migrate_send` on the source with the disk and interface maps.
 */
import type { VMRecord } from '../../../shared/xapi/generated/records';
import type { ConnectionMirror } from '../../store';
import { isNullRef } from '../../store';
import { candidateSrs, loadedCds, migrationDisks, overfilledSrs, type MigrationDisk } from './storage-choices';
import { defaultNetwork, defaultTransferNetwork, migrationVifs, targetNetworks, transferNetworks, type MigrationVif } from './network-choices';
import { formatBytes } from '../tabs/format';
import { objectLabels } from '../../store/object-labels';

export type MigrationMode = 'migrate' | 'move' | 'copy';
export type Mirrors = Readonly<Record<string, ConnectionMirror | undefined>>;

export interface Destination {
  connectionId: string;
  host: string;
}

export interface MigrationState {
  mode: MigrationMode;
  /** The connection of the VMs. */
  source: string;
  vms: readonly string[];
  target?: Destination;
  /** Each moving disk of the VMs (VDI ref in the source) → SR ref in the destination pool. */
  storage: Readonly<Record<string, string>>;
  /** Each interface (VIF ref in the source, snapshot-only ones included) → network ref in the destination pool. */
  networks: Readonly<Record<string, string>>;
  /** The destination network the move travels on (migrate_receive's network). */
  transferNetwork?: string;
}

/** XenCenter's rule: a halted VM is moved (Move VM…), a running or suspended one migrated. */
export const modeForVm = (vm: Pick<VMRecord, 'power_state'>): MigrationMode => (vm.power_state === 'Halted' ? 'move' : 'migrate');

export const MODE_WORDS: Record<MigrationMode, { title: string; finish: string; task: string }> = {
  migrate: { title: 'Migrate', finish: 'Migrate', task: 'Migrate' },
  move: { title: 'Move', finish: 'Move', task: 'Move' },
  copy: { title: 'Copy', finish: 'Copy', task: 'Copy' },
};

export const isIntraPool = (s: Pick<MigrationState, 'source' | 'target'>) => s.target?.connectionId === s.source;

/** A move within the pool of halted VMs copies their disks offline (XenCenter's VMMoveAction). */
export const isOfflineMove = (s: Pick<MigrationState, 'mode' | 'source' | 'target'>) => s.mode === 'move' && isIntraPool(s);

export function disksOf(mirrors: Mirrors, s: Pick<MigrationState, 'source' | 'vms'>): MigrationDisk[] {
  const mirror = mirrors[s.source];
  return mirror ? s.vms.flatMap((vm) => migrationDisks(mirror, vm)) : [];
}

export function vifsOf(mirrors: Mirrors, s: Pick<MigrationState, 'source' | 'vms'>): MigrationVif[] {
  const mirror = mirrors[s.source];
  return mirror ? s.vms.flatMap((vm) => migrationVifs(mirror, vm)) : [];
}

/** A disk whose SR changes (always, across pools). */
const diskMoves = (s: MigrationState, d: MigrationDisk) => !isIntraPool(s) || (s.storage[d.vdi] !== undefined && s.storage[d.vdi] !== d.record.SR);

/** Some VM needs storage motion (so the migration network matters). */
export function movesStorage(mirrors: Mirrors, s: MigrationState): boolean {
  return s.mode === 'copy' || !isIntraPool(s) || disksOf(mirrors, s).some((d) => diskMoves(s, d));
}

/** Which pages apply: Networking only across pools; the migration network only where disks or memory cross through migrate_send. */
export const skipNetworking = (s: MigrationState) => isIntraPool(s);
export const skipTransferNetwork = (mirrors: Mirrors, s: MigrationState) => isOfflineMove(s) || !movesStorage(mirrors, s);

/**
 * What choosing a destination sets (XenCenter resets the mappings when the destination changes): each
 * disk on its own SR when the receiving host sees it within the pool, else the pool's default SR, else
 * the first that can take it; each interface on the network of the same name; the default migration network.
 */
export function withDestination(mirrors: Mirrors, s: MigrationState, target: Destination): Partial<MigrationState> {
  const dest = mirrors[target.connectionId];
  if (!dest) return { target, storage: {}, networks: {}, transferNetwork: undefined };
  const intra = target.connectionId === s.source;
  const srs = candidateSrs(dest, target.host, s.mode === 'move' && intra);
  const pool = dest.objects.pool?.values().next().value;
  const poolDefault = pool && !isNullRef(pool.default_SR) && srs.some((c) => c.ref === pool.default_SR) ? pool.default_SR : srs[0]?.ref;
  const storage: Record<string, string> = {};
  for (const d of disksOf(mirrors, s)) {
    const keep = intra && srs.some((c) => c.ref === d.record.SR);
    const sr = keep ? d.record.SR : poolDefault;
    if (sr) storage[d.vdi] = sr;
  }
  const networks: Record<string, string> = {};
  const source = mirrors[s.source];
  if (!intra && source) {
    const choices = targetNetworks(dest, target.host);
    for (const v of vifsOf(mirrors, s)) {
      const n = defaultNetwork(source, v.record, choices);
      if (n) networks[v.vif] = n;
    }
  }
  return { target, storage, networks, transferNetwork: defaultTransferNetwork(transferNetworks(dest)) };
}

export type PageErrors = Partial<Record<string, string>>;

/** Destination: a host is chosen, its pool is still connected, and the VMs still exist. */
export function validateDestination(mirrors: Mirrors, s: MigrationState): PageErrors {
  const source = mirrors[s.source];
  if (!source || s.vms.some((vm) => !source.objects.VM?.has(vm))) return { page: 'The selected VMs are no longer available: close the wizard and select them again.' };
  if (!s.target) return { target: 'Choose the server the VMs go to.' };
  const dest = mirrors[s.target.connectionId];
  if (!dest?.loaded || !dest.objects.host?.has(s.target.host)) return { target: 'The destination server has become unreachable: choose another one.' };
  return {};
}

/** Storage: every disk has a destination SR that can take it, and every SR has room for what it gets. */
export function validateStorage(mirrors: Mirrors, s: MigrationState): PageErrors {
  const source = mirrors[s.source];
  const dest = s.target && mirrors[s.target.connectionId];
  if (!source || !dest || !s.target) return { page: 'Choose a destination first.' };
  const disks = disksOf(mirrors, s);
  const choices = new Set(candidateSrs(dest, s.target.host, isOfflineMove(s)).map((c) => c.ref));
  const errors: PageErrors = {};
  for (const d of disks) {
    const sr = s.storage[d.vdi];
    if (!sr) errors[`disk:${d.vdi}`] = 'Choose a storage repository for this disk.';
    else if (!choices.has(sr)) errors[`disk:${d.vdi}`] = 'This storage repository cannot take the disk on the chosen server.';
  }
  for (const [sr, { need, free }] of overfilledSrs(source, dest, disks, s.storage, isIntraPool(s))) {
    errors.page = `${objectLabels(dest, 'SR').get(sr) ?? 'A storage repository'} has ${formatBytes(free)} free; the disks mapped to it need ${formatBytes(need)}.`;
  }
  if (!errors.page && isOfflineMove(s) && disks.length > 0 && !disks.some((d) => diskMoves(s, d))) {
    errors.page = 'Every disk stays where it is: choose another storage repository for at least one disk.';
  }
  if (disks.length === 0 && isOfflineMove(s)) errors.page = 'These VMs have no disks to move.';
  return errors;
}

/** Networking: every interface has a destination network the receiving host reaches. */
export function validateNetworking(mirrors: Mirrors, s: MigrationState): PageErrors {
  const dest = s.target && mirrors[s.target.connectionId];
  if (!dest || !s.target) return { page: 'Choose a destination first.' };
  const choices = new Set(targetNetworks(dest, s.target.host).map((c) => c.ref));
  const errors: PageErrors = {};
  for (const v of vifsOf(mirrors, s)) {
    const n = s.networks[v.vif];
    if (!n) errors[`vif:${v.vif}`] = 'Choose a network for this interface.';
    else if (!choices.has(n)) errors[`vif:${v.vif}`] = 'The chosen server cannot reach this network.';
  }
  return errors;
}

/** Migration network: one with an IP address on every host of the destination pool. */
export function validateTransferNetwork(mirrors: Mirrors, s: MigrationState): PageErrors {
  const dest = s.target && mirrors[s.target.connectionId];
  if (!dest) return { page: 'Choose a destination first.' };
  if (!s.transferNetwork) return { transferNetwork: 'Choose the network the migration travels on.' };
  if (!transferNetworks(dest).some((c) => c.ref === s.transferNetwork)) return { transferNetwork: 'This network has no IP address on every server of the destination pool.' };
  return {};
}

/** What Finish does for one VM. */
export type VmPlan =
  | { kind: 'pool_migrate'; vm: string; host: string }
  | { kind: 'migrate_send'; vm: string; target: Destination; transferNetwork: string; vdiMap: Record<string, string>; vifMap: Record<string, string>; options: Record<string, string> }
  | { kind: 'offline_move'; vm: string; disks: { vdi: string; sr: string }[] }
  | { kind: 'nothing'; vm: string };

/** The calls for each VM (XenCenter's FinishWizard), from a state whose pages all validated. */
export function planFor(mirrors: Mirrors, s: MigrationState): VmPlan[] {
  const source = mirrors[s.source];
  const target = s.target;
  if (!source || !target) return [];
  const intra = isIntraPool(s);
  return s.vms.map((vm): VmPlan => {
    const disks = migrationDisks(source, vm);
    const moving = disks.filter((d) => diskMoves(s, d));
    if (intra && s.mode === 'move') {
      return moving.length ? { kind: 'offline_move', vm, disks: moving.map((d) => ({ vdi: d.vdi, sr: s.storage[d.vdi] })) } : { kind: 'nothing', vm };
    }
    if (intra && s.mode === 'migrate' && moving.length === 0) return { kind: 'pool_migrate', vm, host: target.host };
    const vdiMap: Record<string, string> = {};
    for (const d of disks) {
      const sr = s.storage[d.vdi];
      if (!sr) continue;
      vdiMap[d.vdi] = sr;
      // Snapshot disks go where their parent disk goes (XenCenter's AddAdditionalMappings).
      for (const snap of d.snapshots) vdiMap[snap] = sr;
    }
    // Within a pool a CD stays in the drive, on its own SR (XenCenter, CA-339584); across pools xapi ejects it.
    if (intra) for (const cd of loadedCds(source, vm)) vdiMap[cd.vdi] = cd.sr;
    const vifMap: Record<string, string> = {};
    if (!intra) for (const v of migrationVifs(source, vm)) if (s.networks[v.vif]) vifMap[v.vif] = s.networks[v.vif];
    return {
      kind: 'migrate_send',
      vm,
      target,
      transferNetwork: s.transferNetwork ?? '',
      vdiMap,
      vifMap,
      options: s.mode === 'copy' ? { copy: 'true' } : {},
    };
  });
}

/** The plan in words, for the summary ("Live migration within the pool", "Migration to another pool, disks included"). */
export function operationWords(plans: readonly VmPlan[], s: Pick<MigrationState, 'mode' | 'source' | 'target'>): string {
  const kinds = new Set(plans.map((p) => p.kind));
  if (s.mode === 'copy') return 'Copy to another pool: the VM stays here, a copy is made there';
  if (kinds.has('offline_move')) return 'Move within the pool: the disks are copied to their new storage, then the old ones deleted';
  if (kinds.has('migrate_send') && !isIntraPool(s)) return s.mode === 'move' ? 'Move to another pool, disks and snapshots included' : 'Live migration to another pool, disks and snapshots included';
  if (kinds.has('migrate_send')) return 'Live migration with storage: the disks move while the VM runs';
  if (kinds.has('pool_migrate')) return 'Live migration within the pool: the disks stay on shared storage';
  return 'Nothing to do';
}
