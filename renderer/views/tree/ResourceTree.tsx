/**
 * The resource tree on the left: one top-level item per connection (named after its pool), marked
 * Demo for the embedded simulator's pools. Pools, hosts and VMs under each connection come from the
 * mirror store (issue 5 builds the full tree on this).
 */
import { useMemo, useState } from 'react';
import type { ConnectionInfo } from '../../../shared/bridge';
import { Icon } from '../../components/Icon';
import { Tree, type TreeNode } from '../../components/Tree';
import { connectionName, statusText, statusTone } from './connection-status';

export function ResourceTree(props: { connections: ConnectionInfo[]; filter: string; selectedId: string | undefined; onSelect: (id: string) => void; loaded: boolean }) {
  const { connections, filter, selectedId, onSelect, loaded } = props;
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());

  const nodes = useMemo<TreeNode[]>(() => {
    const needle = filter.trim().toLowerCase();
    return connections
      .filter((c) => !c.hidden)
      .filter((c) => !needle || connectionName(c).toLowerCase().includes(needle) || c.address.toLowerCase().includes(needle))
      .map((c) => ({
        id: c.id,
        label: connectionName(c),
        icon: <Icon name={c.status.state === 'connected' ? 'pool' : 'disconnect'} />,
        detail: [c.demo ? 'Demo' : undefined, c.status.state === 'connected' ? undefined : statusText(c.status)].filter(Boolean).join(' · ') || undefined,
        tone: statusTone(c.status),
      }));
  }, [connections, filter]);

  return (
    <Tree
      label="Resources"
      nodes={nodes}
      selectedId={selectedId}
      expanded={expanded}
      onSelect={onSelect}
      onToggle={(id, open) =>
        setExpanded((prev) => {
          const next = new Set(prev);
          if (open) next.add(id);
          else next.delete(id);
          return next;
        })
      }
      empty={
        !loaded ? <p className="muted">Loading connections…</p>
        : filter ? <p className="muted">Nothing matches “{filter}”.</p>
        : <p className="muted">No servers yet.</p>
      }
    />
  );
}
