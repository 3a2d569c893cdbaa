/**
 * The resource tree's content, built from the mirror: one pure function per view (Infrastructure,
 * Objects, Organization). Nodes carry what the row shows (label, kind, state, alert count) and what the
 * search box matches (uuid, tags, IPs, power state), so filtering never goes back to the records.
 */
import type { ConnectionInfo } from '../../../shared/bridge';
import type { HostRecord, NetworkRecord, SRRecord, VMGuestMetricsRecord, VMRecord, XapiClassName } from '../../../shared/xapi/generated/records';
import type { ConnectionMirror } from '../../store/apply-batch';
import { connectionNodeId, isNullRef, objectId, type Target } from '../../store/object-id';
import { containerGroupRows, vmContainerRows, type VmContainerRows } from '../containers/container-tree';
import { connectionName, statusText, statusTone } from './connection-status';

export type NodeKind = 'connection' | 'pool' | 'host' | 'vm' | 'template' | 'snapshot' | 'sr' | 'network' | 'container' | 'group' | 'tag' | 'folder';

/** A state the icon shows: a VM's power state, a host's liveness, a connection's status. */
export type NodeState = 'running' | 'halted' | 'suspended' | 'paused' | 'live' | 'dead' | 'maintenance' | 'connecting' | 'error' | 'disconnected' | undefined;

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
  /** Number of alerts (XAPI messages) about this object. */
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

// One collator for every sort: localeCompare with options builds one per call, 10× slower on 5,000 VMs.
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const byLabel = (a: TreeNodeModel, b: TreeNodeModel) => collator.compare(a.label, b.label);

const values = <T>(map: ReadonlyMap<string, T> | undefined): [string, T][] => (map ? [...map] : []);

function vmState(vm: VMRecord): NodeState {
  switch (vm.power_state) {
    case 'Running':
      return 'running';
    case 'Paused':
      return 'paused';
    case 'Suspended':
      return 'suspended';
    default:
      return 'halted';
  }
}

/** VM nodes by record: records are immutable and replaced on change, so an unchanged record means an unchanged node. */
const vmNodes = new WeakMap<VMRecord, { connectionId: string; alerts: number | undefined; gm: VMGuestMetricsRecord | undefined; ips: string[]; docker: VmContainerRows; node: TreeNodeModel }>();

/** Node factories for one connection, sharing its lookups (alerts, guest IPs). */
class NodeFactory {
  constructor(
    private readonly connectionId: string,
    private readonly mirror: ConnectionMirror,
  ) {}

  private alerts(uuid: string): number | undefined {
    return this.mirror.indexes.messagesByObject.get(uuid)?.length || undefined;
  }

  private target(cls: XapiClassName, ref: string): Target {
    return { kind: 'object', connectionId: this.connectionId, cls, ref };
  }

  private guestMetrics(vm: VMRecord): VMGuestMetricsRecord | undefined {
    return isNullRef(vm.guest_metrics) ? undefined : this.mirror.objects.VM_guest_metrics?.get(vm.guest_metrics);
  }

  vmIps(vm: VMRecord, gm = this.guestMetrics(vm)): string[] {
    return gm ? Object.values(gm.networks ?? {}) : [];
  }

  vm(ref: string, vm: VMRecord): TreeNodeModel {
    // A VM whose record, IPs, alert count and containers did not change keeps its node (and its row stays as
    // it is). Every VM is asked on each rebuild: the check compares identities first, IPs only when the
    // guest metrics record was replaced.
    const gm = this.guestMetrics(vm);
    const alerts = this.alerts(vm.uuid);
    // Its Docker containers as children (views/containers), and a note when they cannot be shown.
    const docker = vmContainerRows(this.connectionId, ref, vm, this.mirror);
    const cached = vmNodes.get(vm);
    if (cached && cached.connectionId === this.connectionId && cached.alerts === alerts && cached.docker === docker) {
      if (cached.gm === gm) return cached.node;
      if (cached.ips.join() === this.vmIps(vm, gm).join()) return (cached.gm = gm), cached.node;
    }
    const ips = this.vmIps(vm, gm);
    const kind: NodeKind = vm.is_a_snapshot ? 'snapshot' : vm.is_a_template ? 'template' : 'vm';
    const node: TreeNodeModel = {
      key: objectId(this.connectionId, 'VM', ref),
      id: objectId(this.connectionId, 'VM', ref),
      target: this.target('VM', ref),
      label: vm.name_label,
      kind,
      state: kind === 'vm' ? vmState(vm) : undefined,
      alerts,
      terms: [vm.uuid, ...(kind === 'vm' ? [vm.power_state] : []), ...vm.tags, ...ips],
      detail: docker.detail,
      tone: docker.tone,
      children: docker.children,
    };
    vmNodes.set(vm, { connectionId: this.connectionId, alerts, gm, ips, docker, node });
    return node;
  }

  host(ref: string, host: HostRecord, children: TreeNodeModel[]): TreeNodeModel {
    const metrics = isNullRef(host.metrics) ? undefined : this.mirror.objects.host_metrics?.get(host.metrics);
    const live = metrics ? metrics.live : true;
    const state: NodeState = !live ? 'dead' : host.enabled ? 'live' : 'maintenance';
    return {
      key: objectId(this.connectionId, 'host', ref),
      id: objectId(this.connectionId, 'host', ref),
      target: this.target('host', ref),
      label: host.name_label,
      kind: 'host',
      state,
      detail: state === 'maintenance' ? 'Maintenance mode' : state === 'dead' ? 'Unreachable' : undefined,
      tone: state === 'dead' ? 'warning' : 'normal',
      alerts: this.alerts(host.uuid),
      terms: [host.uuid, host.address, ...host.tags],
      defaultOpen: true,
      children,
    };
  }

  sr(ref: string, sr: SRRecord): TreeNodeModel {
    return { key: objectId(this.connectionId, 'SR', ref), id: objectId(this.connectionId, 'SR', ref), target: this.target('SR', ref), label: sr.name_label, kind: 'sr', alerts: this.alerts(sr.uuid), terms: [sr.uuid, ...sr.tags] };
  }

  network(ref: string, net: NetworkRecord): TreeNodeModel {
    return { key: objectId(this.connectionId, 'network', ref), id: objectId(this.connectionId, 'network', ref), target: this.target('network', ref), label: net.name_label, kind: 'network', terms: [net.uuid, ...net.tags] };
  }
}

/** VMs shown in the tree: no control domains, no default templates, no snapshots (they live in the Snapshots tab). */
const isGuest = (vm: VMRecord) => !vm.is_control_domain && !vm.is_a_template && !vm.is_a_snapshot;
const isCustomTemplate = (vm: VMRecord) => vm.is_a_template && !vm.is_default_template && !vm.is_a_snapshot;
/** XAPI's internal networks (host-internal management) are not for users. */
const isUserNetwork = (n: NetworkRecord) => n.other_config?.is_host_internal_management_network !== 'true';

function connectionRow(c: ConnectionInfo, loading: boolean): TreeNodeModel {
  const s = c.status;
  const state: NodeState =
    s.state === 'connected' ? 'live'
    : s.state === 'connecting' || (s.state === 'reconnecting' && !s.error) ? 'connecting'
    : s.state === 'reconnecting' || s.error ? 'error'
    : 'disconnected';
  const text = s.state === 'connected' ? (loading ? 'Loading…' : undefined) : statusText(s);
  const retry = s.state === 'reconnecting' && s.nextRetryMs !== undefined ? `next try in ${Math.ceil(s.nextRetryMs / 1000)} s` : undefined;
  return {
    key: connectionNodeId(c.id),
    id: connectionNodeId(c.id),
    target: { kind: 'connection', connectionId: c.id },
    label: connectionName(c),
    kind: 'connection',
    state,
    detail: [c.demo ? 'Demo' : undefined, text, retry].filter(Boolean).join(' · ') || undefined,
    tone: statusTone(s),
    terms: [c.address],
  };
}

/** A connected pool as XenCenter draws it: pool → hosts → running VMs; stopped VMs, templates, SRs and networks under the pool. */
/**
 * Lists sorted by label, per connection, reused from the last build while their nodes are the same objects:
 * on a big pool, a rebuild for a few changed VMs sorts only the lists they are in (a host's 300 VMs), not
 * all 5,000 again.
 */
const sortedLists = new Map<string, Map<string, { nodes: readonly TreeNodeModel[]; sorted: TreeNodeModel[] }>>();

function sortedByLabel(connectionId: string, list: string, nodes: TreeNodeModel[]): TreeNodeModel[] {
  let lists = sortedLists.get(connectionId);
  if (!lists) sortedLists.set(connectionId, (lists = new Map()));
  const last = lists.get(list);
  if (last && last.nodes.length === nodes.length && last.nodes.every((n, i) => n === nodes[i])) return last.sorted;
  const sorted = [...nodes].sort(byLabel);
  lists.set(list, { nodes, sorted });
  return sorted;
}

function infrastructureOf(c: ConnectionInfo, mirror: ConnectionMirror): TreeNodeModel {
  const f = new NodeFactory(c.id, mirror);
  const { objects, indexes } = mirror;
  const hosts = values(objects.host);
  const vms = objects.VM;
  const hostNodes = hosts
    .map(([ref, host]) => {
      const running = (indexes.vmsByHost.get(ref) ?? []).flatMap((vmRef) => {
        const vm = vms?.get(vmRef);
        return vm && isGuest(vm) ? [f.vm(vmRef, vm)] : [];
      });
      return f.host(ref, host, sortedByLabel(c.id, `host ${ref}`, running));
    })
    .sort(byLabel);
  const stopped: TreeNodeModel[] = [];
  const templates: TreeNodeModel[] = [];
  for (const [ref, vm] of values(vms)) {
    if (isGuest(vm) && (isNullRef(vm.resident_on) || !objects.host?.has(vm.resident_on))) stopped.push(f.vm(ref, vm));
    else if (isCustomTemplate(vm)) templates.push(f.vm(ref, vm));
  }
  const srs = values(objects.SR).map(([ref, sr]) => f.sr(ref, sr)).sort(byLabel);
  const networks = values(objects.network).filter(([, n]) => isUserNetwork(n)).map(([ref, n]) => f.network(ref, n)).sort(byLabel);
  const rest = [...sortedByLabel(c.id, 'stopped', stopped), ...sortedByLabel(c.id, 'templates', templates), ...srs, ...networks];

  const [poolRef, pool] = values(objects.pool)[0] ?? [];
  const demo = c.demo ? 'Demo' : undefined;
  // A pool without a name and with a single host is a standalone host, shown as such (as XenCenter does).
  if (hostNodes.length === 1 && (!pool || !pool.name_label)) {
    const only = hostNodes[0];
    return { ...only, detail: [demo, only.detail].filter(Boolean).join(' · ') || undefined, children: [...(only.children ?? []), ...rest] };
  }
  return {
    key: poolRef ? objectId(c.id, 'pool', poolRef) : connectionNodeId(c.id),
    id: poolRef ? objectId(c.id, 'pool', poolRef) : connectionNodeId(c.id),
    target: poolRef ? { kind: 'object', connectionId: c.id, cls: 'pool', ref: poolRef } : { kind: 'connection', connectionId: c.id },
    label: pool?.name_label || connectionName(c),
    kind: 'pool',
    state: 'live',
    detail: demo,
    alerts: pool ? mirror.indexes.messagesByObject.get(pool.uuid)?.length || undefined : undefined,
    terms: pool ? [pool.uuid, ...pool.tags, c.address] : [c.address],
    defaultOpen: true,
    children: [...hostNodes, ...rest],
  };
}

const visibleConnections = (src: TreeSource) => src.connections.filter((c) => !c.hidden);

/** Loaded, connected pools with their mirror; others get a connection row. */
function eachConnection(src: TreeSource, connected: (c: ConnectionInfo, m: ConnectionMirror) => void, other: (row: TreeNodeModel) => void) {
  for (const c of visibleConnections(src)) {
    const mirror = src.mirrors[c.id];
    if (mirror?.loaded && c.status.state === 'connected') connected(c, mirror);
    else other(connectionRow(c, c.status.state === 'connected'));
  }
}

export function buildInfrastructure(src: TreeSource): TreeNodeModel[] {
  for (const id of sortedLists.keys()) if (!src.mirrors[id]) sortedLists.delete(id);
  const out: TreeNodeModel[] = [];
  eachConnection(src, (c, m) => out.push(infrastructureOf(c, m)), (row) => out.push(row));
  return out;
}

function group(key: string, label: string, children: TreeNodeModel[], kind: NodeKind = 'group', defaultOpen = true, meaning?: TreeNodeModel['group']): TreeNodeModel {
  return { key, id: `g|${key}`, label, kind, children, defaultOpen, group: meaning };
}

/** Every object grouped by type, all pools together (XenCenter's Objects view). */
export function buildObjects(src: TreeSource): TreeNodeModel[] {
  const pools: TreeNodeModel[] = [], hosts: TreeNodeModel[] = [], vms: TreeNodeModel[] = [], templates: TreeNodeModel[] = [];
  const srs: TreeNodeModel[] = [], networks: TreeNodeModel[] = [], offline: TreeNodeModel[] = [], containers: TreeNodeModel[] = [];
  eachConnection(
    src,
    (c, m) => {
      const f = new NodeFactory(c.id, m);
      for (const [ref, p] of values(m.objects.pool)) {
        pools.push({ key: objectId(c.id, 'pool', ref), id: objectId(c.id, 'pool', ref), target: { kind: 'object', connectionId: c.id, cls: 'pool', ref }, label: p.name_label || connectionName(c), kind: 'pool', state: 'live', terms: [p.uuid, ...p.tags] });
      }
      for (const [ref, h] of values(m.objects.host)) hosts.push(f.host(ref, h, []));
      for (const [ref, vm] of values(m.objects.VM)) {
        if (isGuest(vm)) vms.push(f.vm(ref, vm));
        else if (isCustomTemplate(vm)) templates.push(f.vm(ref, vm));
        if (isGuest(vm)) containers.push(...containerGroupRows(vms[vms.length - 1], vm.name_label));
      }
      for (const [ref, sr] of values(m.objects.SR)) srs.push(f.sr(ref, sr));
      for (const [ref, n] of values(m.objects.network)) if (isUserNetwork(n)) networks.push(f.network(ref, n));
    },
    (row) => offline.push(row),
  );
  const groups = [
    group('pools', 'Pools', pools.sort(byLabel)),
    group('hosts', 'Servers', hosts.sort(byLabel)),
    group('vms', 'Virtual machines', vms.sort(byLabel)),
    group('templates', 'Custom templates', templates.sort(byLabel), 'group', false),
    group('srs', 'Storage', srs.sort(byLabel)),
    group('networks', 'Networks', networks.sort(byLabel), 'group', false),
    group('containers', 'Docker containers', containers.sort(byLabel), 'group', false),
  ].filter((g) => g.children?.length);
  return [...groups, ...offline];
}

interface FolderDraft {
  folders: Map<string, FolderDraft>;
  items: TreeNodeModel[];
}

/** Tags and folders (other_config.folder, "/Parent/Child" as XenCenter writes it), objects listed under each. */
export function buildOrganization(src: TreeSource): TreeNodeModel[] {
  const tags = new Map<string, TreeNodeModel[]>();
  const root: FolderDraft = { folders: new Map(), items: [] };
  const offline: TreeNodeModel[] = [];
  const file = (node: TreeNodeModel, tagList: readonly string[], folder: string | undefined) => {
    for (const tag of tagList) {
      const list = tags.get(tag) ?? [];
      tags.set(tag, list);
      list.push(node);
    }
    if (folder && folder !== '/') {
      let at = root;
      for (const part of folder.split('/').filter(Boolean)) {
        let next = at.folders.get(part);
        if (!next) at.folders.set(part, (next = { folders: new Map(), items: [] }));
        at = next;
      }
      at.items.push(node);
    }
  };
  eachConnection(
    src,
    (c, m) => {
      const f = new NodeFactory(c.id, m);
      for (const [ref, vm] of values(m.objects.VM)) if (isGuest(vm) || isCustomTemplate(vm)) file(f.vm(ref, vm), vm.tags, vm.other_config?.folder);
      for (const [ref, h] of values(m.objects.host)) file(f.host(ref, h, []), h.tags, h.other_config?.folder);
      for (const [ref, sr] of values(m.objects.SR)) file(f.sr(ref, sr), sr.tags, sr.other_config?.folder);
      for (const [ref, n] of values(m.objects.network)) if (isUserNetwork(n)) file(f.network(ref, n), n.tags, n.other_config?.folder);
      for (const [ref, p] of values(m.objects.pool)) {
        const node: TreeNodeModel = { key: objectId(c.id, 'pool', ref), id: objectId(c.id, 'pool', ref), target: { kind: 'object', connectionId: c.id, cls: 'pool', ref }, label: p.name_label || connectionName(c), kind: 'pool', state: 'live', terms: [p.uuid] };
        file(node, p.tags, p.other_config?.folder);
      }
    },
    (row) => offline.push(row),
  );
  // Folder rows carry their path ("/Production/Web", as other_config.folder holds it); the Folders row is "/".
  const folderNodes = (draft: FolderDraft, path: string): TreeNodeModel[] => [
    ...[...draft.folders].map(([name, sub]) => group(`folder:${path}/${name}`, name, folderNodes(sub, `${path}/${name}`), 'folder', false, { kind: 'folder', path: `${path}/${name}` })).sort(byLabel),
    ...draft.items.sort(byLabel),
  ];
  const tagNodes = [...tags].map(([tag, items]) => group(`tag:${tag}`, tag, items.sort(byLabel), 'tag', false, { kind: 'tag', tag })).sort(byLabel);
  return [group('tags', 'Tags', tagNodes), group('folders', 'Folders', folderNodes(root, ''), 'group', true, { kind: 'folder', path: '/' }), ...offline];
}

export function buildTree(view: TreeViewKind, src: TreeSource): TreeNodeModel[] {
  return view === 'objects' ? buildObjects(src) : view === 'organization' ? buildOrganization(src) : buildInfrastructure(src);
}
