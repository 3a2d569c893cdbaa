/** An object's icon with its state as a coloured dot (power state, host liveness, connection status); the row's text says it too. */
import { Icon, type IconName } from '../../components/Icon';
import type { NodeKind, NodeState } from './tree-model';

const ICONS: Record<NodeKind, IconName> = {
  connection: 'server',
  pool: 'pool',
  host: 'host',
  vm: 'vm',
  template: 'template',
  snapshot: 'snapshot',
  sr: 'sr',
  network: 'network',
  container: 'container',
  group: 'group',
  tag: 'tag',
  folder: 'folder',
};

export function ObjectIcon({ kind, state }: { kind: NodeKind; state?: NodeState }) {
  return (
    <span className={`obj-icon kind-${kind}`} data-state={state}>
      <Icon name={ICONS[kind]} />
      {state && <span className={`state-dot state-${state}`} />}
    </span>
  );
}
