/**
 * Names that say where an object lives when its own name does not single it out. A pool of three
 * hosts has three SRs called "Local storage" (and "DVD drives", "Removable storage"): offered as such in a
 * list, a disk lands on the wrong host. Every list that offers SRs, networks, VMs or hosts (the tree,
 * the Storage tab, the Copy VM / New VM / Add disk pickers, the palette) reads its labels here:
 *
 *   const labels = objectLabels(mirror, 'SR');   // Map<ref, label>
 *   labels.get(ref)                              // "Local storage on xcp-prod-01", or "NFS shared" as is
 *
 * A name repeated in the pool gets where the object lives, as XenCenter names local SRs: "<name> on
 * <host>" for storage with one host (not shared) and for a running VM, the network's bridge or the
 * host's address otherwise, and a short uuid as the last resort. Labels are computed once per change of
 * the maps they read.
 */
import type { HostRecord, NetworkRecord, SRRecord, VMRecord } from '../../shared/xapi/generated/records';
import type { ClassMap, ConnectionMirror } from './apply-batch';
import { useMirror } from './hooks';
import { isNullRef } from './object-id';

export type LabelledClass = 'SR' | 'network' | 'VM' | 'host';

/** What labels are computed from: the pool's records, and its PBD index where there is one. */
type LabelSource = Pick<ConnectionMirror, 'objects'> & { indexes?: Partial<ConnectionMirror['indexes']> };

const shortUuid = (uuid: string) => uuid.slice(0, 8);

/**
 * The host an SR belongs to: a non-shared SR plugged on exactly one host (XenCenter's SR.Home()). Its PBDs
 * are read from the PBD records (PBD.SR, the field XAPI stores) where the mirror indexes them, so a server
 * that leaves the derived SR.PBDs empty places its SRs all the same.
 */
export function srHome(mirror: Pick<ConnectionMirror, 'objects'> & { indexes?: Partial<ConnectionMirror['indexes']> }, ref: string, sr: SRRecord): { ref: string; host: HostRecord } | undefined {
  const pbds = mirror.indexes?.pbdsBySr?.get(ref) ?? sr.PBDs;
  if (sr.shared || pbds.length !== 1) return undefined;
  const pbd = mirror.objects.PBD?.get(pbds[0]);
  if (!pbd || isNullRef(pbd.host)) return undefined;
  const host = mirror.objects.host?.get(pbd.host);
  return host ? { ref: pbd.host, host } : undefined;
}

function place(mirror: LabelSource, cls: LabelledClass, ref: string, record: SRRecord | NetworkRecord | VMRecord | HostRecord): string | undefined {
  switch (cls) {
    case 'SR': {
      const home = srHome(mirror, ref, record as SRRecord);
      return home ? `on ${home.host.name_label}` : undefined;
    }
    case 'VM': {
      const vm = record as VMRecord;
      const host = vm.power_state === 'Running' && !isNullRef(vm.resident_on) ? mirror.objects.host?.get(vm.resident_on) : undefined;
      return host ? `on ${host.name_label}` : undefined;
    }
    case 'network': {
      const bridge = (record as NetworkRecord).bridge;
      return bridge ? `(${bridge})` : undefined;
    }
    case 'host': {
      const address = (record as HostRecord).address;
      return address ? `(${address})` : undefined;
    }
  }
}

/** Labels of one class of a pool, keyed by ref. */
function compute(mirror: LabelSource, cls: LabelledClass): Map<string, string> {
  const map = (mirror.objects[cls] as ClassMap<LabelledClass> | undefined) ?? new Map();
  const counts = new Map<string, number>();
  for (const record of map.values()) counts.set(record.name_label, (counts.get(record.name_label) ?? 0) + 1);
  const out = new Map<string, string>();
  const taken = new Map<string, number>();
  for (const [ref, record] of map) {
    if ((counts.get(record.name_label) ?? 0) < 2) {
      out.set(ref, record.name_label);
      continue;
    }
    const where = place(mirror, cls, ref, record);
    out.set(ref, where ? `${record.name_label} ${where}` : `${record.name_label} (${shortUuid(record.uuid)})`);
  }
  // Two objects of the same name in the same place (two "Local storage" on one host): add the uuid.
  for (const label of out.values()) taken.set(label, (taken.get(label) ?? 0) + 1);
  for (const [ref, label] of out) {
    if ((taken.get(label) ?? 0) > 1) out.set(ref, `${label} (${shortUuid(map.get(ref)!.uuid)})`);
  }
  return out;
}

const EMPTY: ReadonlyMap<string, unknown> = new Map();
const cache = new WeakMap<object, { deps: object[]; labels: Map<string, string> }>();

/** The maps a class's labels depend on: the labels are recomputed only when one of them changes. */
const inputs = (mirror: LabelSource, cls: LabelledClass): object[] => {
  const o = mirror.objects;
  const own = o[cls] ?? EMPTY;
  switch (cls) {
    case 'SR':
      return [own, o.PBD ?? EMPTY, o.host ?? EMPTY, mirror.indexes?.pbdsBySr ?? EMPTY];
    case 'VM':
      return [own, o.host ?? EMPTY];
    default:
      return [own];
  }
};

export function objectLabels(mirror: LabelSource, cls: LabelledClass): ReadonlyMap<string, string> {
  const deps = inputs(mirror, cls);
  const cached = cache.get(deps[0]);
  if (cached && cached.deps.length === deps.length && cached.deps.every((d, i) => d === deps[i])) return cached.labels;
  const labels = compute(mirror, cls);
  if (deps[0] !== EMPTY) cache.set(deps[0], { deps, labels });
  return labels;
}

/** One object's label (see objectLabels). */
export function objectLabel(mirror: LabelSource | undefined, cls: LabelledClass, ref: string): string | undefined {
  return mirror ? objectLabels(mirror, cls).get(ref) : undefined;
}

const NO_LABELS: ReadonlyMap<string, string> = new Map();

/** The labels of a class of one pool, for a component (re-renders when they change). */
export function useObjectLabels(connectionId: string | undefined, cls: LabelledClass): ReadonlyMap<string, string> {
  return useMirror((s) => {
    const mirror = connectionId ? s.mirrors[connectionId] : undefined;
    return mirror ? objectLabels(mirror, cls) : NO_LABELS;
  });
}

/**
 * The host of a standalone server: a pool of one host whose name is empty, which clients (XenCenter's tree,
 * its migration wizard's destinations) show as the host itself. Undefined for a real pool.
 */
export function standaloneHost(mirror: Pick<ConnectionMirror, 'objects'>): HostRecord | undefined {
  const pool = mirror.objects.pool?.values().next().value;
  const hosts = mirror.objects.host;
  return hosts?.size === 1 && !pool?.name_label ? hosts.values().next().value : undefined;
}
