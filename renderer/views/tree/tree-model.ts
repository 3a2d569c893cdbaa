/**
 * The resource tree's content, built from the mirror: one pure function per view (Infrastructure,
 * Objects, Organization). Nodes carry what the row shows (label, kind, state, alert count) and what the
 * search box matches (uuid, tags, IPs, power state), so filtering never goes back to the records.
 *
 * The Infrastructure view follows XenCenter's tree (XenModel/XenSearch/GroupAlg.cs and the VM.Home() /
 * SR.Home() it groups by): under each host, the VMs that live there (running there; else halted or
 * suspended ones whose disks are on that host's local storage; else ones whose affinity is that live host)
 * then its local SRs (not shared, plugged on that host only: Local storage, DVD drives, Removable storage);
 * under the pool, the hosts, the VMs with no home, then shared storage, then custom templates. Built-in
 * templates (is_default_template, or other_config.default_template on older servers) and networks show
 * only when the view options ask (tree-options.ts), as do objects marked HideFromXenCenter; VMs and SRs of
 * a host that is down are left out, internal templates, tmpfs and tools SRs always.
 */
import type { ConnectionInfo } from '../../../shared/bridge';
import type { HostRecord, NetworkRecord, SRRecord, VMGuestMetricsRecord, VMRecord, XapiClassName } from '../../../shared/xapi/generated/records';
import type { ConnectionMirror } from '../../store/apply-batch';
import { connectionNodeId, isNullRef, objectId, type Target } from '../../store/object-id';
import { objectLabels, srHome, standaloneHost } from '../../store/object-labels';
import { containerGroupRows, vmContainerRows, type VmContainerRows } from '../containers/container-tree';
import { isDefaultTemplate } from '../tabs/object-kind';
import { connectionName, statusText, statusTone } from './connection-status';
import { DEFAULT_TREE_OPTIONS, type TreeOptions } from './tree-options';

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

const hidden = (r: { other_config?: Record<string, string> }) => r.other_config?.HideFromXenCenter === 'true';
/** Objects XenCenter creates for its own use while it works (a temporary VM of an import): never shown. */
const GUI_TEMP = '__gui__';

/** VM nodes by record: records are immutable and replaced on change, so an unchanged record means an unchanged node. */
const vmNodes = new WeakMap<VMRecord, { connectionId: string; alerts: number | undefined; gm: VMGuestMetricsRecord | undefined; ips: string[]; docker: VmContainerRows; node: TreeNodeModel }>();

/** Node factories for one connection, sharing its lookups (alerts, guest IPs, labels). */
class NodeFactory {
  private srLabels: ReadonlyMap<string, string> | undefined;

  constructor(
    private readonly connectionId: string,
    private readonly mirror: ConnectionMirror,
  ) {}

  private alerts(uuid: string): number | undefined {
    return this.mirror.indexes.alertsByObject?.get(uuid)?.length || undefined;
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
    const state = kind === 'vm' ? vmState(vm) : undefined;
    const node: TreeNodeModel = {
      key: objectId(this.connectionId, 'VM', ref),
      id: objectId(this.connectionId, 'VM', ref),
      target: this.target('VM', ref),
      label: vm.name_label,
      kind,
      state,
      stateText: state ? STATE_WORDS[state] : kind === 'template' ? (isDefaultTemplate(vm) ? 'built-in template' : 'custom template') : undefined,
      // Paused and suspended VMs are rare and easy to confuse with running ones: their state is written out;
      // so is a container list that cannot be shown (Docker unreachable, unreadable).
      detail: [state === 'paused' ? 'Paused' : state === 'suspended' ? 'Suspended' : undefined, docker.detail].filter(Boolean).join(' · ') || undefined,
      tone: docker.tone,
      alerts,
      terms: [vm.uuid, ...(kind === 'vm' ? [vm.power_state] : []), ...vm.tags, ...ips],
      children: docker.children,
    };
    vmNodes.set(vm, { connectionId: this.connectionId, alerts, gm, ips, docker, node });
    return node;
  }

  host(ref: string, host: HostRecord, children: TreeNodeModel[]): TreeNodeModel {
    const state = hostState(this.mirror, host);
    return {
      key: objectId(this.connectionId, 'host', ref),
      id: objectId(this.connectionId, 'host', ref),
      target: this.target('host', ref),
      label: host.name_label,
      kind: 'host',
      state,
      stateText: STATE_WORDS[state!],
      detail: state === 'maintenance' ? 'Maintenance mode' : state === 'dead' ? 'Unreachable' : undefined,
      tone: state === 'dead' ? 'warning' : 'normal',
      alerts: this.alerts(host.uuid),
      terms: [host.uuid, host.address, ...host.tags],
      defaultOpen: true,
      children,
    };
  }

  sr(ref: string, sr: SRRecord): TreeNodeModel {
    // Names repeated in the pool ("Local storage" on every host) say where the SR lives (object-labels.ts).
    this.srLabels ??= objectLabels(this.mirror, 'SR');
    return {
      key: objectId(this.connectionId, 'SR', ref),
      id: objectId(this.connectionId, 'SR', ref),
      target: this.target('SR', ref),
      label: this.srLabels.get(ref) ?? sr.name_label,
      kind: 'sr',
      stateText: sr.shared ? 'shared storage' : undefined,
      alerts: this.alerts(sr.uuid),
      terms: [sr.uuid, sr.type, ...sr.tags],
    };
  }

  network(ref: string, net: NetworkRecord): TreeNodeModel {
    return { key: objectId(this.connectionId, 'network', ref), id: objectId(this.connectionId, 'network', ref), target: this.target('network', ref), label: net.name_label, kind: 'network', terms: [net.uuid, net.bridge, ...net.tags] };
  }
}

function hostState(mirror: ConnectionMirror, host: HostRecord): NodeState {
  const metrics = isNullRef(host.metrics) ? undefined : mirror.objects.host_metrics?.get(host.metrics);
  const live = metrics ? metrics.live : true;
  return !live ? 'dead' : host.enabled ? 'live' : 'maintenance';
}

/** XAPI's internal networks (host-internal management) are not for users. */
const isUserNetwork = (n: NetworkRecord) => n.other_config?.is_host_internal_management_network !== 'true';

/** What the tree may show of a pool at all, under these options (XenCenter's Show/Hide rules). */
class Visibility {
  constructor(
    private readonly mirror: ConnectionMirror,
    private readonly options: TreeOptions,
  ) {}

  guest(vm: VMRecord): boolean {
    return !vm.is_control_domain && !vm.is_a_template && !vm.is_a_snapshot && this.shown(vm);
  }

  template(vm: VMRecord): boolean {
    if (!vm.is_a_template || vm.is_a_snapshot || vm.other_config?.xensource_internal !== undefined || !this.shown(vm)) return false;
    return isDefaultTemplate(vm) ? this.options.defaultTemplates : this.options.customTemplates;
  }

  sr(sr: SRRecord): boolean {
    // Old CD drives of type "local", the memory SR and the tools ISO library are XAPI's, not the user's.
    if (sr.type === 'local' || sr.type === 'tmpfs' || sr.is_tools_sr || sr.name_label === 'XenServer Tools') return false;
    if (!isNullRef(sr.introduced_by)) return false; // brought in by a disaster-recovery task
    if (!this.options.localStorage && !sr.shared && isLocalType(sr.type)) return false;
    return this.shown(sr);
  }

  network(net: NetworkRecord): boolean {
    return isUserNetwork(net) && this.shown(net);
  }

  private shown(r: { name_label: string; other_config?: Record<string, string> }): boolean {
    if (r.name_label.startsWith(GUI_TEMP)) return false;
    return this.options.hiddenObjects || !hidden(r);
  }

  /** The host an object lives under is down: XenCenter leaves its VMs and SRs out until it is back. */
  onDeadHost(hostRef: string | undefined): boolean {
    const host = hostRef ? this.mirror.objects.host?.get(hostRef) : undefined;
    return Boolean(host && hostState(this.mirror, host) === 'dead');
  }
}

/** SR types XenCenter counts as local storage (SR.IsLocalSR). */
const isLocalType = (type: string) => ['local', 'ext', 'lvm', 'udev', 'egeneracd', 'dummy', 'file'].includes(type);

/** The host a non-template VM lives under (XenCenter's VM.Home()), or undefined for the pool. */
function vmHome(mirror: ConnectionMirror, ref: string, vm: VMRecord): string | undefined {
  const hosts = mirror.objects.host;
  if (vm.power_state === 'Running') return hosts?.has(vm.resident_on) ? vm.resident_on : undefined;
  // Its disks (and CDs) on a host's local storage tie it to that host. (VBD.VM as indexed: a server that
  // leaves the derived VM.VBDs empty still places its VMs.)
  for (const vbdRef of mirror.indexes.vbdsByVm?.get(ref) ?? vm.VBDs ?? []) {
    const vbd = mirror.objects.VBD?.get(vbdRef);
    const vdi = vbd && !isNullRef(vbd.VDI) ? mirror.objects.VDI?.get(vbd.VDI) : undefined;
    if (!vdi || vdi.missing || !vdi.managed || hidden(vdi)) continue;
    const sr = mirror.objects.SR?.get(vdi.SR);
    const home = sr ? srHome(mirror, vdi.SR, sr) : undefined;
    if (home) return home.ref;
  }
  const affinity = vm.affinity;
  const host = !isNullRef(affinity) ? hosts?.get(affinity) : undefined;
  return host && hostState(mirror, host) !== 'dead' ? affinity : undefined;
}

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
    stateText: STATE_WORDS[state],
    detail: [c.demo ? 'Demo' : undefined, text, retry].filter(Boolean).join(' · ') || undefined,
    tone: statusTone(s),
    terms: [c.address],
  };
}

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

/** A connected pool as XenCenter draws it (see the header). */
function infrastructureOf(c: ConnectionInfo, mirror: ConnectionMirror, options: TreeOptions): TreeNodeModel {
  const f = new NodeFactory(c.id, mirror);
  const show = new Visibility(mirror, options);
  const { objects } = mirror;
  const underHost = new Map<string, { vms: TreeNodeModel[]; srs: TreeNodeModel[] }>();
  const slot = (host: string) => {
    let s = underHost.get(host);
    if (!s) underHost.set(host, (s = { vms: [], srs: [] }));
    return s;
  };
  const poolVms: TreeNodeModel[] = [];
  const templates: TreeNodeModel[] = [];
  for (const [ref, vm] of values(objects.VM)) {
    if (show.guest(vm)) {
      const home = vmHome(mirror, ref, vm);
      if (home && show.onDeadHost(home)) continue;
      (home ? slot(home).vms : poolVms).push(f.vm(ref, vm));
    } else if (show.template(vm)) templates.push(f.vm(ref, vm));
  }
  const poolSrs: TreeNodeModel[] = [];
  for (const [ref, sr] of values(objects.SR)) {
    if (!show.sr(sr)) continue;
    const home = srHome(mirror, ref, sr);
    if (home && show.onDeadHost(home.ref)) continue;
    (home ? slot(home.ref).srs : poolSrs).push(f.sr(ref, sr));
  }
  const networks = options.networks ? values(objects.network).filter(([, n]) => show.network(n)).map(([ref, n]) => f.network(ref, n)) : [];
  const hostNodes = values(objects.host)
    .map(([ref, host]) => {
      const s = underHost.get(ref);
      return f.host(ref, host, s ? [...sortedByLabel(c.id, `host ${ref}`, s.vms), ...s.srs.sort(byLabel)] : []);
    })
    .sort(byLabel);
  // XenCenter's order within a level: hosts, VMs, then the other kinds by type name (networks, SRs, templates).
  const rest = [...sortedByLabel(c.id, 'pool', poolVms), ...networks.sort(byLabel), ...poolSrs.sort(byLabel), ...sortTemplates(templates, objects.VM)];

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
    stateText: 'connected',
    detail: demo,
    alerts: pool ? mirror.indexes.alertsByObject?.get(pool.uuid)?.length || undefined : undefined,
    terms: pool ? [pool.uuid, ...pool.tags, c.address] : [c.address],
    defaultOpen: true,
    children: [...hostNodes, ...rest],
  };
}

/** Templates as XenCenter sorts VMs that are not real VMs: custom ones, then built-in ones, each by name. */
function sortTemplates(nodes: TreeNodeModel[], vms: ReadonlyMap<string, VMRecord> | undefined): TreeNodeModel[] {
  const builtIn = (n: TreeNodeModel) => (n.target?.kind === 'object' && vms?.get(n.target.ref) && isDefaultTemplate(vms.get(n.target.ref)!) ? 1 : 0);
  return nodes.sort((a, b) => builtIn(a) - builtIn(b) || byLabel(a, b));
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

export function buildInfrastructure(src: TreeSource, options: TreeOptions = DEFAULT_TREE_OPTIONS): TreeNodeModel[] {
  for (const id of sortedLists.keys()) if (!src.mirrors[id]) sortedLists.delete(id);
  const out: TreeNodeModel[] = [];
  eachConnection(src, (c, m) => out.push(infrastructureOf(c, m, options)), (row) => out.push(row));
  return out;
}

function group(key: string, label: string, children: TreeNodeModel[], kind: NodeKind = 'group', defaultOpen = true, meaning?: TreeNodeModel['group']): TreeNodeModel {
  return { key, id: `g|${key}`, label, kind, children, defaultOpen, group: meaning };
}

/** Every object grouped by type, all pools together (XenCenter's Objects view). */
export function buildObjects(src: TreeSource, options: TreeOptions = DEFAULT_TREE_OPTIONS): TreeNodeModel[] {
  const pools: TreeNodeModel[] = [], hosts: TreeNodeModel[] = [], vms: TreeNodeModel[] = [], templates: TreeNodeModel[] = [];
  const srs: TreeNodeModel[] = [], networks: TreeNodeModel[] = [], offline: TreeNodeModel[] = [], containers: TreeNodeModel[] = [];
  eachConnection(
    src,
    (c, m) => {
      const f = new NodeFactory(c.id, m);
      const show = new Visibility(m, options);
      // A standalone server's nameless pool is no pool to its users: XenCenter lists the server only.
      for (const [ref, p] of standaloneHost(m) ? [] : values(m.objects.pool)) {
        pools.push({ key: objectId(c.id, 'pool', ref), id: objectId(c.id, 'pool', ref), target: { kind: 'object', connectionId: c.id, cls: 'pool', ref }, label: p.name_label || connectionName(c), kind: 'pool', state: 'live', stateText: 'connected', terms: [p.uuid, ...p.tags] });
      }
      for (const [ref, h] of values(m.objects.host)) hosts.push(f.host(ref, h, []));
      for (const [ref, vm] of values(m.objects.VM)) {
        if (show.guest(vm)) {
          const node = f.vm(ref, vm);
          vms.push(node);
          containers.push(...containerGroupRows(node, vm.name_label));
        } else if (show.template(vm)) templates.push(f.vm(ref, vm));
      }
      for (const [ref, sr] of values(m.objects.SR)) if (show.sr(sr)) srs.push(f.sr(ref, sr));
      // The Objects view lists networks (XenCenter's Objects view does); the option is for the Infrastructure view.
      for (const [ref, n] of values(m.objects.network)) if (show.network(n)) networks.push(f.network(ref, n));
    },
    (row) => offline.push(row),
  );
  const groups = [
    group('pools', 'Pools', pools.sort(byLabel)),
    group('hosts', 'Servers', hosts.sort(byLabel)),
    group('vms', 'Virtual machines', vms.sort(byLabel)),
    group('templates', 'Templates', templates.sort(byLabel), 'group', false),
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
export function buildOrganization(src: TreeSource, options: TreeOptions = DEFAULT_TREE_OPTIONS): TreeNodeModel[] {
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
      const show = new Visibility(m, options);
      for (const [ref, vm] of values(m.objects.VM)) if (show.guest(vm) || show.template(vm)) file(f.vm(ref, vm), vm.tags, vm.other_config?.folder);
      for (const [ref, h] of values(m.objects.host)) file(f.host(ref, h, []), h.tags, h.other_config?.folder);
      for (const [ref, sr] of values(m.objects.SR)) if (show.sr(sr)) file(f.sr(ref, sr), sr.tags, sr.other_config?.folder);
      for (const [ref, n] of values(m.objects.network)) if (show.network(n)) file(f.network(ref, n), n.tags, n.other_config?.folder);
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

export function buildTree(view: TreeViewKind, src: TreeSource, options: TreeOptions = DEFAULT_TREE_OPTIONS): TreeNodeModel[] {
  return view === 'objects' ? buildObjects(src, options) : view === 'organization' ? buildOrganization(src, options) : buildInfrastructure(src, options);
}
