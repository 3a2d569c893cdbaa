/**
 * What the resource tree is made of: one node per row, carrying what the row shows (label, kind, state,
 * alert count) and what the search box matches (uuid, tags, IPs, power state), so filtering never goes
 * back to the records. Nodes are immutable: a node that did not change is the same object from one
 * update to the next, which is what lets the rows on screen skip re-rendering.
 */
import type { ConnectionInfo } from '../../../shared/bridge';
import type { ConnectionMirror } from '../../store/apply-batch';
import type { Target } from '../../store/object-id';

export type NodeKind = 'connection' | 'pool' | 'host' | 'vm' | 'template' | 'snapshot' | 'sr' | 'network' | 'container' | 'group' | 'tag' | 'folder';

/** A state the icon shows: a VM's power state, a host's liveness, a connection's status. */
export type NodeState = 'running' | 'halted' | 'suspended' | 'paused' | 'live' | 'dead' | 'maintenance' | 'connecting' | 'error' | 'disconnected' | undefined;

/** The state in words, as assistive technology reads it with the name ("web-01, running"). */
export const STATE_WORDS: Record<Exclude<NodeState, undefined>, string> = {
  running: 'running',
  halted: 'shut down',
  suspended: 'suspended',
  paused: 'paused',
  live: 'connected',
  dead: 'unreachable',
  maintenance: 'in maintenance mode',
  connecting: 'connecting',
  error: 'connection problem',
  disconnected: 'disconnected',
};

export interface TreeNodeModel {
  /** Unique among siblings; the row key is the path of keys. */
  key: string;
  /** What selecting the row selects: an object or connection id (shared by the rows of one object), or the row key for group rows. */
  id: string;
  target?: Target;
  label: string;
  kind: NodeKind;
  state?: NodeState;
  /** Short text after the label ("Demo", "Reconnecting (attempt 2)"). */
  detail?: string;
  /** The state in words, read with the name by assistive technology ("running", "in maintenance mode"). */
  stateText?: string;
  tone?: 'normal' | 'muted' | 'warning';
  /** Number of alerts (XAPI messages that are alerts) about this object. */
  alerts?: number;
  /** Extra texts the search matches besides the label: uuid, tags, IPs, power state. */
  terms?: string[];
  /** Open until the user closes it. */
  defaultOpen?: boolean;
  /** A tag or folder row of the Organization view: what dropping objects on it means (actions/drop-policies.ts). */
  group?: { kind: 'tag'; tag: string } | { kind: 'folder'; path: string };
  children?: TreeNodeModel[];
}

export type TreeViewKind = 'infrastructure' | 'objects' | 'organization';

export interface TreeSource {
  connections: readonly ConnectionInfo[];
  mirrors: Readonly<Record<string, ConnectionMirror>>;
}
