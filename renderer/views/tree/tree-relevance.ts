/**
 * Whether a batch changed anything the tree shows. Most VM changes on a busy pool (memory target,
 * metrics refs, current operations, descriptions) are invisible in the tree; rebuilding 5,000 nodes for
 * them would cost the renderer a long task per batch. Comparing only the changed records' tree fields
 * is a few microseconds each.
 */
import type { VMGuestMetricsRecord, VMRecord } from '../../../shared/xapi/generated/records';
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
    a.other_config?.folder === b.other_config?.folder &&
    sameList(a.tags, b.tags) &&
    containerTreeFieldsEqual(a, b)
  );
}

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
