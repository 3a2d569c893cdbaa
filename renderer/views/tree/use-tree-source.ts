/**
 * What the tree is built from, selected narrowly: per connection only the class maps and indexes the
 * tree shows. A batch that touches only disks or tasks does not rebuild the tree, and neither does one
 * that changes VMs only in fields the tree does not show (tree-relevance.ts): the previous source is
 * kept, with its maps, so the tree model stays the same object.
 */
import { useRef } from 'react';
import type { VMGuestMetricsRecord, VMRecord } from '../../../shared/xapi/generated/records';
import type { ConnectionMirror } from '../../store/apply-batch';
import { useMirrorShallow } from '../../store/hooks';
import type { TreeSource } from './tree-model';
import { guestMetricsTreeFieldsEqual, mapChangedFor, vmTreeFieldsEqual } from './tree-relevance';

// message: xscontainer's "cannot monitor" alert says a VM's Docker is unreachable (views/containers).
const TREE_CLASSES = ['VM', 'host', 'host_metrics', 'pool', 'SR', 'network', 'VM_guest_metrics', 'message'] as const;
const HEAD = 4; // id, loaded, vmsByHost, messagesByObject
const STRIDE = HEAD + TREE_CLASSES.length;
const VM_AT = HEAD + TREE_CLASSES.indexOf('VM');
const GM_AT = HEAD + TREE_CLASSES.indexOf('VM_guest_metrics');

/** Whether two selections differ in anything the tree shows. */
function changed(prev: unknown[], next: unknown[]): boolean {
  if (prev.length !== next.length || prev[0] !== next[0]) return true;
  for (let i = 1; i < next.length; i++) {
    if (prev[i] === next[i]) continue;
    const slot = (i - 1) % STRIDE;
    if (slot === VM_AT) {
      if (mapChangedFor(prev[i] as ReadonlyMap<string, VMRecord>, next[i] as ReadonlyMap<string, VMRecord>, vmTreeFieldsEqual)) return true;
    } else if (slot === GM_AT) {
      if (mapChangedFor(prev[i] as ReadonlyMap<string, VMGuestMetricsRecord>, next[i] as ReadonlyMap<string, VMGuestMetricsRecord>, guestMetricsTreeFieldsEqual)) return true;
    } else return true;
  }
  return false;
}

function toSource(inputs: unknown[]): TreeSource {
  const [connections, ...rest] = inputs as [TreeSource['connections'], ...unknown[]];
  const mirrors: Record<string, ConnectionMirror> = {};
  for (let i = 0; i < rest.length; i += STRIDE) {
    const [id, loaded, vmsByHost, messagesByObject, ...maps] = rest.slice(i, i + STRIDE) as [string, boolean | undefined, ...unknown[]];
    if (loaded === undefined) continue;
    mirrors[id] = {
      loaded,
      version: 0,
      objects: Object.fromEntries(TREE_CLASSES.map((cls, j) => [cls, maps[j]])),
      indexes: { vmsByHost, messagesByObject },
    } as unknown as ConnectionMirror;
  }
  return { connections, mirrors };
}

export function useTreeSource(): TreeSource {
  const inputs = useMirrorShallow((s) => {
    const out: unknown[] = [s.connections];
    for (const c of s.connections) {
      const m = s.mirrors[c.id];
      out.push(c.id, m?.loaded, m?.indexes.vmsByHost, m?.indexes.messagesByObject);
      for (const cls of TREE_CLASSES) out.push(m?.objects[cls]);
    }
    return out;
  });
  const last = useRef<{ inputs: unknown[]; source: TreeSource }>(undefined);
  // Derived during render from the store's values only; the ref is a cache, so rendering twice is harmless.
  // eslint-disable-next-line react-hooks/refs
  if (!last.current || (last.current.inputs !== inputs && changed(last.current.inputs, inputs))) last.current = { inputs, source: toSource(inputs) };
  // eslint-disable-next-line react-hooks/refs
  return last.current.source;
}
