/**
 * Whether a batch changed anything the tree shows. Most VM changes on a busy pool (memory target,
 * metrics refs, current operations, descriptions) are invisible in the tree; rebuilding 5,000 nodes for
 * them would cost the renderer a long task per batch. Comparing only the changed records' tree fields
 * is a few microseconds each.
 */
import type { HostMetricsRecord, HostRecord, NetworkRecord, PBDRecord, PoolRecord, SRRecord, VBDRecord, VDIRecord, VMGuestMetricsRecord, VMRecord } from '../../../shared/xapi/generated/records';
import { containerTreeFieldsEqual } from '../containers/container-tree';

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The VM fields the tree reads (tree-model.ts): label, kind, state, placement, tags, folder, IP source, containers. */
export function vmTreeFieldsEqual(a: VMRecord, b: VMRecord): boolean {
  return (
    a.name_label === b.name_label &&
    a.power_state === b.power_state &&
    a.resident_on === b.resident_on &&
    a.is_a_template === b.is_a_template &&
    a.is_default_template === b.is_default_template &&
    a.is_a_snapshot === b.is_a_snapshot &&
    a.is_control_domain === b.is_control_domain &&
    a.guest_metrics === b.guest_metrics &&
    a.uuid === b.uuid &&
    a.affinity === b.affinity &&
    a.other_config?.folder === b.other_config?.folder &&
    a.other_config?.default_template === b.other_config?.default_template &&
    a.other_config?.HideFromXenCenter === b.other_config?.HideFromXenCenter &&
    sameList(a.tags, b.tags) &&
    sameList(a.VBDs ?? [], b.VBDs ?? []) &&
    containerTreeFieldsEqual(a, b)
  );
}

/** SR fields the tree reads: name, placement (shared, PBDs), kind, tags, folder; not the usage figures that change all day. */
export function srTreeFieldsEqual(a: SRRecord, b: SRRecord): boolean {
  return a.name_label === b.name_label && a.shared === b.shared && a.type === b.type && a.uuid === b.uuid && sameList(a.PBDs, b.PBDs) && sameList(a.tags, b.tags) &&
    a.other_config?.folder === b.other_config?.folder && a.other_config?.HideFromXenCenter === b.other_config?.HideFromXenCenter;
}

/** Host fields the tree reads: name, address, state (enabled, metrics), tags, folder; not memory or resident VMs, which change with every migration. */
export function hostTreeFieldsEqual(a: HostRecord, b: HostRecord): boolean {
  return a.name_label === b.name_label && a.uuid === b.uuid && a.address === b.address && a.enabled === b.enabled && a.metrics === b.metrics && sameList(a.tags, b.tags) &&
    a.other_config?.folder === b.other_config?.folder;
}

/** Of a host's metrics the tree shows only whether it is live (memory free changes all day). */
export const hostMetricsTreeFieldsEqual = (a: HostMetricsRecord, b: HostMetricsRecord) => a.live === b.live;

export const poolTreeFieldsEqual = (a: PoolRecord, b: PoolRecord) => a.name_label === b.name_label && a.uuid === b.uuid && sameList(a.tags, b.tags) && a.other_config?.folder === b.other_config?.folder;

/** Network fields the tree reads; not its VIFs and PIFs, which change whenever a VM gets a network card. */
export function networkTreeFieldsEqual(a: NetworkRecord, b: NetworkRecord): boolean {
  return a.name_label === b.name_label && a.uuid === b.uuid && a.bridge === b.bridge && sameList(a.tags, b.tags) && a.other_config?.folder === b.other_config?.folder &&
    a.other_config?.HideFromXenCenter === b.other_config?.HideFromXenCenter && a.other_config?.is_host_internal_management_network === b.other_config?.is_host_internal_management_network;
}

export const pbdTreeFieldsEqual = (a: PBDRecord, b: PBDRecord) => a.SR === b.SR && a.host === b.host;
export const vbdTreeFieldsEqual = (a: VBDRecord, b: VBDRecord) => a.VM === b.VM && a.VDI === b.VDI && a.type === b.type;
export const vdiTreeFieldsEqual = (a: VDIRecord, b: VDIRecord) => a.SR === b.SR && a.missing === b.missing && a.managed === b.managed && a.other_config?.HideFromXenCenter === b.other_config?.HideFromXenCenter;

export function guestMetricsTreeFieldsEqual(a: VMGuestMetricsRecord, b: VMGuestMetricsRecord): boolean {
  const x = a.networks ?? {};
  const y = b.networks ?? {};
  const kx = Object.keys(x);
  return kx.length === Object.keys(y).length && kx.every((k) => x[k] === y[k]);
}

/** True when `next` differs from `prev` in a record the tree shows (added, removed, or changed in `equal`'s fields). */
export function mapChangedFor<T>(prev: ReadonlyMap<string, T> | undefined, next: ReadonlyMap<string, T> | undefined, equal: (a: T, b: T) => boolean): boolean {
  if (prev === next) return false;
  if (!prev || !next || prev.size !== next.size) return true;
  for (const [ref, record] of next) {
    const old = prev.get(ref);
    if (old === record) continue;
    if (!old || !equal(old, record)) return true;
  }
  return false;
}

type FieldsEqual<T> = (a: T, b: T) => boolean;

/** The comparisons above by class: the classes whose changes matter to the tree only in some fields. */
export const TREE_FIELDS_EQUAL: {
  VM: FieldsEqual<VMRecord>;
  host: FieldsEqual<HostRecord>;
  host_metrics: FieldsEqual<HostMetricsRecord>;
  pool: FieldsEqual<PoolRecord>;
  network: FieldsEqual<NetworkRecord>;
  VM_guest_metrics: FieldsEqual<VMGuestMetricsRecord>;
  SR: FieldsEqual<SRRecord>;
  PBD: FieldsEqual<PBDRecord>;
  VBD: FieldsEqual<VBDRecord>;
  VDI: FieldsEqual<VDIRecord>;
} = {
  VM: vmTreeFieldsEqual,
  // Hosts' memory and resident VMs change with every migration; the tree shows neither.
  host: hostTreeFieldsEqual,
  host_metrics: hostMetricsTreeFieldsEqual,
  pool: poolTreeFieldsEqual,
  network: networkTreeFieldsEqual,
  VM_guest_metrics: guestMetricsTreeFieldsEqual,
  SR: srTreeFieldsEqual,
  PBD: pbdTreeFieldsEqual,
  VBD: vbdTreeFieldsEqual,
  VDI: vdiTreeFieldsEqual,
};
