/**
 * Node factories for one pool, and the rules that decide what the tree shows of it and where: XenCenter's
 * Show/Hide rules (Visibility) and the host a VM lives under (vmHome, XenCenter's VM.Home()). Shared by
 * every view; the Infrastructure view (infrastructure-tree.ts) also uses them to place single VMs again
 * when only they changed.
 */
import type { ConnectionInfo } from '../../../shared/bridge';
import type { HostRecord, NetworkRecord, SRRecord, VMGuestMetricsRecord, VMRecord, XapiClassName } from '../../../shared/xapi/generated/records';
import type { ConnectionMirror } from '../../store/apply-batch';
import { connectionNodeId, isNullRef, objectId, type Target } from '../../store/object-id';
import { objectLabels, srHome } from '../../store/object-labels';
import { vmContainerRows, type VmContainerRows } from '../containers/container-tree';
import { isDefaultTemplate } from '../tabs/object-kind';
import { connectionName, statusText, statusTone } from './connection-status';
import { STATE_WORDS, type NodeKind, type NodeState, type TreeNodeModel } from './tree-node';
import type { TreeOptions } from './tree-options';

// One collator for every sort: localeCompare with options builds one per call, 10× slower on 5,000 VMs.
export const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
export const byLabel = (a: TreeNodeModel, b: TreeNodeModel) => collator.compare(a.label, b.label);

export const values = <T>(map: ReadonlyMap<string, T> | undefined): [string, T][] => (map ? [...map] : []);

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

export const hidden = (r: { other_config?: Record<string, string> }) => r.other_config?.HideFromXenCenter === 'true';
/** Objects XenCenter creates for its own use while it works (a temporary VM of an import): never shown. */
const GUI_TEMP = '__gui__';

/** VM nodes by record: records are immutable and replaced on change, so an unchanged record means an unchanged node. */
const vmNodes = new WeakMap<VMRecord, { connectionId: string; alerts: number | undefined; gm: VMGuestMetricsRecord | undefined; ips: string[]; docker: VmContainerRows; node: TreeNodeModel }>();

/** Node factories for one connection, sharing its lookups (alerts, guest IPs, labels). */
export class NodeFactory {
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

export function hostState(mirror: ConnectionMirror, host: HostRecord): NodeState {
  const metrics = isNullRef(host.metrics) ? undefined : mirror.objects.host_metrics?.get(host.metrics);
  const live = metrics ? metrics.live : true;
  return !live ? 'dead' : host.enabled ? 'live' : 'maintenance';
}

/** XAPI's internal networks (host-internal management) are not for users. */
const isUserNetwork = (n: NetworkRecord) => n.other_config?.is_host_internal_management_network !== 'true';

/** What the tree may show of a pool at all, under these options (XenCenter's Show/Hide rules). */
export class Visibility {
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
export function vmHome(mirror: ConnectionMirror, ref: string, vm: VMRecord): string | undefined {
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

export function connectionRow(c: ConnectionInfo, loading: boolean): TreeNodeModel {
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

