/**
 * What the tree is built from, selected narrowly: per connection only the class maps and indexes the
 * tree shows. A batch that touches only disks or tasks does not rebuild the tree.
 */
import { useMemo } from 'react';
import type { ConnectionMirror } from '../../store/apply-batch';
import { useMirrorShallow } from '../../store/hooks';
import type { TreeSource } from './tree-model';

const TREE_CLASSES = ['VM', 'host', 'host_metrics', 'pool', 'SR', 'network', 'VM_guest_metrics'] as const;

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
  return useMemo(() => {
    const [connections, ...rest] = inputs as [TreeSource['connections'], ...unknown[]];
    const mirrors: Record<string, ConnectionMirror> = {};
    const stride = 4 + TREE_CLASSES.length;
    for (let i = 0; i < rest.length; i += stride) {
      const [id, loaded, vmsByHost, messagesByObject, ...maps] = rest.slice(i, i + stride) as [string, boolean | undefined, ...unknown[]];
      if (loaded === undefined) continue;
      mirrors[id] = {
        loaded,
        version: 0,
        objects: Object.fromEntries(TREE_CLASSES.map((cls, j) => [cls, maps[j]])),
        indexes: { vmsByHost, messagesByObject },
      } as unknown as ConnectionMirror;
    }
    return { connections, mirrors };
  }, [inputs]);
}
