/**
 * The Infrastructure view (grouping rules in tree-model.ts's header), kept up to date from one mirror to
 * the next instead of being built again for every batch. On a pool of 5,000 VMs a batch changes a few of
 * them (a container paused, a VM migrated, renamed or started): only those VMs are placed again, only the
 * lists they left and joined are re-sorted (by insertion), and only their hosts and the pool get new
 * nodes. Every other node stays the same object, so the flattening of rows (visible-rows.ts) and the rows
 * on screen reuse what they had.
 *
 * What changed is found by comparing the new mirror's maps with the last ones by identity (records are
 * immutable and replaced on change, apply-batch.ts), which costs microseconds for 5,000 VMs and holds
 * whatever happened in between (several batches, a load). Changes that move many things at once (a host,
 * its liveness, storage, networks, the pool, the view options) rebuild the pool's subtree from scratch
 * with the same placement code; such changes are rare. A fresh InfrastructureTree is the from-scratch
 * build (buildInfrastructure), which is what the incremental one is tested against.
 */
import type { ConnectionInfo } from '../../../shared/bridge';
import type { VMRecord } from '../../../shared/xapi/generated/records';
import type { ConnectionMirror } from '../../store/apply-batch';
import { connectionNodeId, objectId } from '../../store/object-id';
import { srHome } from '../../store/object-labels';
import { isDefaultTemplate } from '../tabs/object-kind';
import { connectionName } from './connection-status';
import { byLabel, connectionRow, NodeFactory, values, Visibility, vmHome } from './node-factory';
import { SortedNodes, type SortedEntry } from './sorted-nodes';
import type { TreeNodeModel, TreeSource } from './tree-node';
import type { TreeOptions } from './tree-options';
import { mapChangedFor, TREE_FIELDS_EQUAL as EQUAL } from './tree-relevance';

/** The list of VMs with no home (under the pool), and of templates; other lists are keyed by host ref. */
const POOL_VMS = 'pool';
const TEMPLATES = 'templates';

/** Where a shown VM's node is: its list, its entry there, and what ties it to other records. */
interface Slot {
  list: string;
  entry: SortedEntry;
  guestMetrics: string;
  uuid: string;
}

/** Calls `changed` for each key whose value differs between two maps (added, removed or replaced). */
function eachChange<T>(prev: ReadonlyMap<string, T> | undefined, next: ReadonlyMap<string, T> | undefined, changed: (key: string, before: T | undefined, after: T | undefined) => void) {
  if (prev === next) return;
  if (next) for (const [key, value] of next) {
    const before = prev?.get(key);
    if (before !== value) changed(key, before, value);
  }
  if (prev) for (const [key, value] of prev) if (!next?.has(key)) changed(key, value, undefined);
}

const sameOptions = (a: TreeOptions, b: TreeOptions) => (Object.keys(a) as (keyof TreeOptions)[]).every((k) => a[k] === b[k]);

/** What the pool's own row reads of its connection. */
const connectionKey = (c: ConnectionInfo) => `${c.id}\n${c.demo}\n${connectionName(c)}\n${c.address}`;

/** One connected pool's subtree. */
class PoolTree {
  private mirror: ConnectionMirror | undefined;
  private options: TreeOptions | undefined;
  private connection = '';
  private readonly slots = new Map<string, Slot>();
  private readonly lists = new Map<string, SortedNodes>();
  /** Shown VMs by their guest metrics (whose IPs they show) and by uuid (how alerts name them). */
  private readonly vmsByGuestMetrics = new Map<string, Set<string>>();
  private readonly vmByUuid = new Map<string, string>();
  /** Uuids of the hosts, SRs and pool: an alert on one of them rebuilds the subtree. */
  private otherUuids = new Set<string>();
  private srsUnderHost = new Map<string, TreeNodeModel[]>();
  private poolSrs: TreeNodeModel[] = [];
  private networks: TreeNodeModel[] = [];
  private hostOrder: string[] = [];
  private readonly hostNodes = new Map<string, TreeNodeModel>();
  private node: TreeNodeModel | undefined;

  update(c: ConnectionInfo, mirror: ConnectionMirror, options: TreeOptions): TreeNodeModel {
    const prev = this.mirror;
    if (!prev || !this.options || !sameOptions(options, this.options) || connectionKey(c) !== this.connection || this.movesMuch(prev, mirror)) {
      this.rebuild(c, mirror, options);
    } else if (prev !== mirror) {
      this.patch(c, prev, mirror);
    }
    this.mirror = mirror;
    return this.node!;
  }

  /** Whether the change from `prev` to `next` touches what places many rows at once. */
  private movesMuch(prev: ConnectionMirror, next: ConnectionMirror): boolean {
    const a = prev.objects;
    const b = next.objects;
    if (
      mapChangedFor(a.host, b.host, EQUAL.host) ||
      mapChangedFor(a.host_metrics, b.host_metrics, EQUAL.host_metrics) ||
      mapChangedFor(a.pool, b.pool, EQUAL.pool) ||
      mapChangedFor(a.SR, b.SR, EQUAL.SR) ||
      mapChangedFor(a.PBD, b.PBD, EQUAL.PBD) ||
      mapChangedFor(a.network, b.network, EQUAL.network)
    ) return true;
    // A disk's VBDs are needed to find the VMs a disk change moves; without the index, start over.
    if (a.VDI !== b.VDI && !next.indexes.vbdsByVdi) return true;
    let other = false;
    eachChange(prev.indexes.alertsByObject, next.indexes.alertsByObject, (uuid) => (other ||= this.otherUuids.has(uuid)));
    return other;
  }

  /** Places again the VMs that changed (or whose IPs, alerts or disks did), then renews the nodes above them. */
  private patch(c: ConnectionInfo, prev: ConnectionMirror, next: ConnectionMirror) {
    const touched = new Set<string>();
    eachChange(prev.objects.VM, next.objects.VM, (ref, a, b) => {
      if (!a || !b || !EQUAL.VM(a, b)) touched.add(ref);
    });
    eachChange(prev.objects.VM_guest_metrics, next.objects.VM_guest_metrics, (ref, a, b) => {
      if (!a || !b || !EQUAL.VM_guest_metrics(a, b)) for (const vm of this.vmsByGuestMetrics.get(ref) ?? []) touched.add(vm);
    });
    eachChange(prev.indexes.alertsByObject, next.indexes.alertsByObject, (uuid) => {
      const vm = this.vmByUuid.get(uuid);
      if (vm) touched.add(vm);
    });
    // Disks place halted VMs (on a host's local storage): a VBD or VDI change moves the VMs they belong to.
    eachChange(prev.objects.VBD, next.objects.VBD, (_ref, a, b) => {
      if (a && b && EQUAL.VBD(a, b)) return;
      if (a) touched.add(a.VM);
      if (b) touched.add(b.VM);
    });
    eachChange(prev.objects.VDI, next.objects.VDI, (ref, a, b) => {
      if (a && b && EQUAL.VDI(a, b)) return;
      for (const mirror of [prev, next]) for (const vbd of mirror.indexes.vbdsByVdi?.get(ref) ?? []) {
        const vm = mirror.objects.VBD?.get(vbd)?.VM;
        if (vm) touched.add(vm);
      }
    });
    if (!touched.size) return;

    const f = new NodeFactory(c.id, next);
    const show = new Visibility(next, this.options!);
    const dirty = new Set<string>();
    for (const ref of touched) this.place(ref, next.objects.VM?.get(ref), next, f, show, dirty);
    if (!dirty.size) return;
    for (const list of dirty) if (list !== POOL_VMS && list !== TEMPLATES) this.renewHost(list, next, f);
    this.renewPool(c, next);
  }

  /** Puts one VM's node where it belongs now (or nowhere), noting the lists that changed. */
  private place(ref: string, vm: VMRecord | undefined, mirror: ConnectionMirror, f: NodeFactory, show: Visibility, dirty: Set<string>) {
    const old = this.slots.get(ref);
    let list: string | undefined;
    let rank = 0;
    if (vm && show.guest(vm)) {
      const home = vmHome(mirror, ref, vm);
      if (!(home && show.onDeadHost(home))) list = home ?? POOL_VMS;
    } else if (vm && show.template(vm)) {
      list = TEMPLATES;
      rank = isDefaultTemplate(vm) ? 1 : 0;
    }
    const node = list !== undefined ? f.vm(ref, vm!) : undefined;
    if (old && old.list === list && old.entry.node === node && old.entry.rank === rank) return;
    if (old) {
      this.lists.get(old.list)?.remove(old.entry);
      dirty.add(old.list);
      this.vmsByGuestMetrics.get(old.guestMetrics)?.delete(ref);
      this.vmByUuid.delete(old.uuid);
      this.slots.delete(ref);
    }
    if (list === undefined || !node || !vm) return;
    const slot: Slot = { list, entry: { ref, node, rank }, guestMetrics: vm.guest_metrics, uuid: vm.uuid };
    this.listOf(list).insert(slot.entry);
    dirty.add(list);
    this.track(ref, slot);
  }

  private track(ref: string, slot: Slot) {
    this.slots.set(ref, slot);
    let vms = this.vmsByGuestMetrics.get(slot.guestMetrics);
    if (!vms) this.vmsByGuestMetrics.set(slot.guestMetrics, (vms = new Set()));
    vms.add(ref);
    this.vmByUuid.set(slot.uuid, ref);
  }

  private listOf(key: string): SortedNodes {
    let list = this.lists.get(key);
    if (!list) this.lists.set(key, (list = new SortedNodes()));
    return list;
  }

  /** Everything from the records: every VM placed, storage and networks filed, every node new. */
  private rebuild(c: ConnectionInfo, mirror: ConnectionMirror, options: TreeOptions) {
    this.options = options;
    this.connection = connectionKey(c);
    this.slots.clear();
    this.lists.clear();
    this.vmsByGuestMetrics.clear();
    this.vmByUuid.clear();
    this.hostNodes.clear();
    const f = new NodeFactory(c.id, mirror);
    const show = new Visibility(mirror, options);
    const { objects } = mirror;

    const drafts = new Map<string, SortedEntry[]>();
    for (const [ref, vm] of values(objects.VM)) {
      // The same decisions as place(), gathered per list and sorted once.
      let list: string | undefined;
      let rank = 0;
      if (show.guest(vm)) {
        const home = vmHome(mirror, ref, vm);
        if (home && show.onDeadHost(home)) continue;
        list = home ?? POOL_VMS;
      } else if (show.template(vm)) {
        list = TEMPLATES;
        rank = isDefaultTemplate(vm) ? 1 : 0;
      } else continue;
      const slot: Slot = { list, entry: { ref, node: f.vm(ref, vm), rank }, guestMetrics: vm.guest_metrics, uuid: vm.uuid };
      let draft = drafts.get(list);
      if (!draft) drafts.set(list, (draft = []));
      draft.push(slot.entry);
      this.track(ref, slot);
    }
    for (const [list, entries] of drafts) this.listOf(list).reset(entries);

    this.srsUnderHost = new Map();
    this.poolSrs = [];
    for (const [ref, sr] of values(objects.SR)) {
      if (!show.sr(sr)) continue;
      const home = srHome(mirror, ref, sr);
      if (home && show.onDeadHost(home.ref)) continue;
      if (!home) this.poolSrs.push(f.sr(ref, sr));
      else {
        const under = this.srsUnderHost.get(home.ref) ?? [];
        this.srsUnderHost.set(home.ref, under);
        under.push(f.sr(ref, sr));
      }
    }
    this.poolSrs.sort(byLabel);
    for (const under of this.srsUnderHost.values()) under.sort(byLabel);
    this.networks = options.networks ? values(objects.network).filter(([, n]) => show.network(n)).map(([ref, n]) => f.network(ref, n)).sort(byLabel) : [];
    this.otherUuids = new Set([...values(objects.host), ...values(objects.SR), ...values(objects.pool)].map(([, r]) => r.uuid));

    for (const ref of objects.host?.keys() ?? []) this.renewHost(ref, mirror, f);
    this.hostOrder = [...this.hostNodes].sort(([, a], [, b]) => byLabel(a, b)).map(([ref]) => ref);
    this.renewPool(c, mirror);
  }

  private renewHost(ref: string, mirror: ConnectionMirror, f: NodeFactory) {
    const host = mirror.objects.host?.get(ref);
    if (!host) return;
    const vms = this.lists.get(ref);
    const srs = this.srsUnderHost.get(ref);
    this.hostNodes.set(ref, f.host(ref, host, vms?.size || srs ? [...(vms?.list() ?? []), ...(srs ?? [])] : []));
  }

  private renewPool(c: ConnectionInfo, mirror: ConnectionMirror) {
    const hostNodes = this.hostOrder.map((ref) => this.hostNodes.get(ref)!);
    // XenCenter's order within a level: hosts, VMs, then the other kinds by type name (networks, SRs, templates).
    const rest = [...(this.lists.get(POOL_VMS)?.list() ?? []), ...this.networks, ...this.poolSrs, ...(this.lists.get(TEMPLATES)?.list() ?? [])];
    const [poolRef, pool] = values(mirror.objects.pool)[0] ?? [];
    const demo = c.demo ? 'Demo' : undefined;
    // A pool without a name and with a single host is a standalone host, shown as such (as XenCenter does).
    if (hostNodes.length === 1 && (!pool || !pool.name_label)) {
      const only = hostNodes[0];
      this.node = { ...only, detail: [demo, only.detail].filter(Boolean).join(' · ') || undefined, children: [...(only.children ?? []), ...rest] };
      return;
    }
    this.node = {
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
}

/** The Infrastructure view of every connection, updated in place (see the header). */
export class InfrastructureTree {
  private readonly pools = new Map<string, PoolTree>();
  private readonly connectionRows = new WeakMap<ConnectionInfo, TreeNodeModel>();
  private last: TreeNodeModel[] = [];

  /** The view for `src`: the same array (and nodes) as last time where nothing it shows changed. */
  update(src: TreeSource, options: TreeOptions): TreeNodeModel[] {
    const out: TreeNodeModel[] = [];
    const shown = new Set<string>();
    for (const c of src.connections) {
      if (c.hidden) continue;
      const mirror = src.mirrors[c.id];
      if (mirror?.loaded && c.status.state === 'connected') {
        let pool = this.pools.get(c.id);
        if (!pool) this.pools.set(c.id, (pool = new PoolTree()));
        shown.add(c.id);
        out.push(pool.update(c, mirror, options));
        continue;
      }
      let row = this.connectionRows.get(c);
      if (!row) this.connectionRows.set(c, (row = connectionRow(c, c.status.state === 'connected')));
      out.push(row);
    }
    // A pool that went (or is loading again) starts from scratch when it is back.
    for (const id of this.pools.keys()) if (!shown.has(id)) this.pools.delete(id);
    if (out.length === this.last.length && out.every((n, i) => n === this.last[i])) return this.last;
    return (this.last = out);
  }
}
