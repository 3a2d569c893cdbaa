/**
 * Docker containers in the resource tree: the children of a VM's row (XenCenter groups containers under
 * their VM, MainWindowTreeBuilder.AddDockerContainerNode), and what the VM's row says about container
 * monitoring when there is something to say (Docker unreachable, a container list that cannot be read).
 *
 * Rows are cached by the parsed docker_ps (itself cached by its text), so rebuilding the tree for an
 * unrelated change reuses every container row as it was.
 */
import type { VMRecord } from '../../../shared/xapi/generated/records';
import type { ConnectionMirror } from '../../store/apply-batch';
import { containerNodeId } from '../../store/object-id';
import type { NodeState, TreeNodeModel } from '../tree/tree-model';
import { containerStateWords, displayName, isRealVm, vmDockerPs, vmMonitoring, type DockerContainer, type VmDockerPs } from './vm-containers';

/** What containers add to a VM's row: its child rows, and a note on the row when monitoring has a problem. */
export interface VmContainerRows {
  children?: TreeNodeModel[];
  detail?: string;
  tone?: 'warning';
}

const NONE: VmContainerRows = {};

/** The icon's state, as XenCenter draws containers (DockerContainer.power_state): paused, running, else stopped. */
export function containerNodeState(c: Pick<DockerContainer, 'state'>): NodeState {
  return c.state === 'paused' ? 'paused' : c.state === 'running' ? 'running' : 'halted';
}

/** The status written after the name, for containers that are not simply running. */
function statusDetail(c: DockerContainer): string | undefined {
  switch (c.state) {
    case 'running':
      return undefined;
    case 'paused':
      return 'Paused';
    case 'exited':
      return c.exitCode !== undefined ? `Exited (${c.exitCode})` : 'Exited';
    case 'restarting':
      return 'Restarting';
    case 'created':
      return 'Created';
    default:
      return c.status.slice(0, 60) || undefined;
  }
}

export function containerNode(connectionId: string, vmRef: string, c: DockerContainer): TreeNodeModel {
  const id = containerNodeId(connectionId, vmRef, c.id);
  return {
    key: id,
    id,
    target: { kind: 'container', connectionId, vmRef, containerId: c.id },
    label: displayName(c),
    kind: 'container',
    state: containerNodeState(c),
    stateText: `container, ${containerStateWords(c)}`,
    detail: statusDetail(c),
    // Found by its ids and image as well as its name ("prom/prometheus", "3f2a9c…").
    terms: [c.shortId, c.id, c.image, c.state],
  };
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

// Per parsed docker_ps: the rows of one VM (which one is kept too, since two VMs can share a docker_ps text).
const rowsByPs = new WeakMap<VmDockerPs, { connectionId: string; vmRef: string; rows: VmContainerRows }>();

function listedRows(connectionId: string, vmRef: string, ps: VmDockerPs): VmContainerRows {
  const cached = rowsByPs.get(ps);
  if (cached && cached.connectionId === connectionId && cached.vmRef === vmRef) return cached.rows;
  let rows: VmContainerRows = NONE;
  if (ps.kind === 'listed' && ps.containers.length) {
    const children = ps.containers.map((c) => containerNode(connectionId, vmRef, c)).sort((a, b) => collator.compare(a.label, b.label));
    rows = { children };
  } else if (ps.kind === 'unreadable') {
    rows = { detail: 'Container list unreadable', tone: 'warning' };
  }
  rowsByPs.set(ps, { connectionId, vmRef, rows });
  return rows;
}

const UNREACHABLE: VmContainerRows = { detail: 'Docker unreachable', tone: 'warning' };

// Per VM record, when the record alone decides (every case but "monitoring on, running, no list yet", where
// xscontainer's alert does): the tree asks for every VM on each rebuild, so this is a lookup, not a parse.
const rowsByRecord = new WeakMap<VMRecord, { connectionId: string; vmRef: string; rows: VmContainerRows }>();

/**
 * The container rows of a VM's tree node, and its note. The same object while nothing it shows changed,
 * so the tree's VM row cache can compare it by identity.
 */
export function vmContainerRows(connectionId: string, vmRef: string, vm: VMRecord, mirror: Pick<ConnectionMirror, 'objects' | 'indexes'>): VmContainerRows {
  if (!isRealVm(vm)) return NONE;
  const cached = rowsByRecord.get(vm);
  if (cached && cached.connectionId === connectionId && cached.vmRef === vmRef) return cached.rows;
  const ps = vmDockerPs(vm);
  let rows = NONE;
  if (ps.kind !== 'absent') rows = listedRows(connectionId, vmRef, ps);
  // No list: say so only when xscontainer reported that it cannot reach Docker (its alert on the VM).
  else if (vmMonitoring(mirror, vm, { withoutMessages: true }).kind === 'connecting') return vmMonitoring(mirror, vm).kind === 'unreachable' ? UNREACHABLE : NONE;
  rowsByRecord.set(vm, { connectionId, vmRef, rows });
  return rows;
}

/** The VM fields container rows read: the docker_ps text and the monitoring switch (compared by value). */
export function containerTreeFieldsEqual(a: VMRecord, b: VMRecord): boolean {
  return a.other_config?.docker_ps === b.other_config?.docker_ps && a.other_config?.['xscontainer-monitor'] === b.other_config?.['xscontainer-monitor'];
}

/** Rows for the Objects view's "Docker containers" group: each says which VM it runs in (names repeat across VMs). */
const groupRows = new WeakMap<TreeNodeModel, { vmName: string; node: TreeNodeModel }>();

export function containerGroupRows(vmNode: TreeNodeModel, vmName: string): TreeNodeModel[] {
  if (vmNode.kind !== 'vm' || !vmNode.children?.length) return [];
  return vmNode.children.map((child) => {
    const cached = groupRows.get(child);
    if (cached?.vmName === vmName) return cached.node;
    const node = { ...child, detail: [child.detail, `in ${vmName}`].filter(Boolean).join(' · ') };
    groupRows.set(child, { vmName, node });
    return node;
  });
}
