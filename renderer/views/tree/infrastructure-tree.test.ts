/**
 * The Infrastructure view kept up to date batch by batch must be the view built from scratch on the same
 * mirror, whatever the batches did: random sequences of the changes a pool makes (VMs starting, moving,
 * renamed, given containers, IPs and alerts; disks moving between local and shared storage; hosts going
 * down or into maintenance; VMs and alerts coming and going) are applied as the renderer applies them,
 * and after each one (or after several, as when renders are coalesced) both trees are compared, as are
 * their visible rows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConnectionInfo, MirrorBatch } from '../../../shared/bridge';
import { applyBatch, type ConnectionMirror } from '../../store/apply-batch';
import { InfrastructureTree } from './infrastructure-tree';
import { buildInfrastructure, type TreeNodeModel } from './tree-model';
import { DEFAULT_TREE_OPTIONS, type TreeOptions } from './tree-options';
import { flattenTree, VisibleRows, type OpenState } from './visible-rows';

const conn: ConnectionInfo = { id: 'c', address: 'pool.example', user: 'root', label: 'pool.example', demo: false, remembered: true, hidden: false, status: { state: 'connected' } };
const NULL = 'OpaqueRef:NULL';
const HOSTS = ['OpaqueRef:h0', 'OpaqueRef:h1', 'OpaqueRef:h2'];
/** Local storage of each host, then a shared SR. */
const SRS = ['OpaqueRef:sr0', 'OpaqueRef:sr1', 'OpaqueRef:sr2', 'OpaqueRef:nfs'];
const VM_COUNT = 14;
const vmRef = (i: number) => `OpaqueRef:vm${i}`;
// Names that tie, differ only in case and sort as numbers: the order must not depend on how a list was built.
const NAMES = ['web-01', 'WEB-01', 'web-2', 'web-10', 'db', 'Db', 'cache', 'zeta', 'alpha 9', 'alpha 10'];

function dockerPs(containers: { name: string; paused: boolean }[]): string {
  const items = containers.map(
    (c, i) =>
      `<item><entry><id>${String(i).repeat(64).slice(0, 64)}</id><names>${c.name}</names><image>nginx</image><command>run</command><created>1700000000</created>` +
      `<ports/><labels/><state>${c.paused ? 'paused' : 'running'}</state><status>${c.paused ? 'Up (Paused)' : 'Up'}</status></entry></item>`,
  );
  return `<?xml version="1.0" ?><docker_ps>${items.join('')}</docker_ps>`;
}

function vmRecord(i: number) {
  return {
    uuid: `vm-uuid-${i}`, name_label: NAMES[i % NAMES.length], power_state: i % 3 ? 'Running' : 'Halted', resident_on: i % 3 ? HOSTS[i % 3] : NULL,
    affinity: NULL, is_a_template: i >= VM_COUNT - 2, is_default_template: i === VM_COUNT - 1, is_a_snapshot: false, is_control_domain: false,
    guest_metrics: i % 2 ? `OpaqueRef:gm${i}` : NULL, tags: [], other_config: {}, VBDs: [`OpaqueRef:vbd${i}`], memory_target: 1,
  };
}

function initialMirror(): ConnectionMirror {
  const VM: Record<string, unknown> = {};
  const VBD: Record<string, unknown> = {};
  const VDI: Record<string, unknown> = {};
  const VM_guest_metrics: Record<string, unknown> = {};
  for (let i = 0; i < VM_COUNT; i++) {
    VM[vmRef(i)] = vmRecord(i);
    VBD[`OpaqueRef:vbd${i}`] = { VM: vmRef(i), VDI: `OpaqueRef:vdi${i}`, type: 'Disk' };
    VDI[`OpaqueRef:vdi${i}`] = { uuid: `vdi-${i}`, SR: SRS[i % SRS.length], missing: false, managed: true, other_config: {} };
    if (i % 2) VM_guest_metrics[`OpaqueRef:gm${i}`] = { uuid: `gm-${i}`, networks: { '0/ip': `192.0.2.${i}` } };
  }
  return applyBatch(undefined, {
    connectionId: 'c',
    reset: true,
    added: {
      pool: { 'OpaqueRef:p': { uuid: 'p', name_label: 'Prod', tags: [] } },
      host: Object.fromEntries(HOSTS.map((h, i) => [h, { uuid: `host-${i}`, name_label: `host-${i}`, enabled: true, metrics: `OpaqueRef:hm${i}`, address: `10.0.0.${i}`, tags: [] }])),
      host_metrics: Object.fromEntries(HOSTS.map((_, i) => [`OpaqueRef:hm${i}`, { uuid: `hm-${i}`, live: true, memory_free: 1 }])),
      SR: Object.fromEntries(
        SRS.map((sr, i) => [sr, { uuid: `sr-${i}`, name_label: i < 3 ? 'Local storage' : 'NFS', tags: [], shared: i === 3, PBDs: i < 3 ? [`OpaqueRef:pbd${i}`] : [], type: i < 3 ? 'lvm' : 'nfs', introduced_by: NULL }]),
      ),
      PBD: Object.fromEntries(HOSTS.map((h, i) => [`OpaqueRef:pbd${i}`, { SR: SRS[i], host: h }])),
      VM,
      VBD,
      VDI,
      VM_guest_metrics,
      network: { 'OpaqueRef:n': { uuid: 'n', name_label: 'eth0', bridge: 'xenbr0', tags: [], other_config: {} } },
    },
    modified: {},
    removed: {},
  });
}

const batch = (part: Partial<Pick<MirrorBatch, 'added' | 'modified' | 'removed'>>): MirrorBatch => ({ connectionId: 'c', added: {}, modified: {}, removed: {}, ...part });
const modifyVm = (i: number, fields: Record<string, unknown>) => batch({ modified: { VM: { [vmRef(i)]: fields } } });

const vmIndex = fc.integer({ min: 0, max: VM_COUNT + 3 }); // a few refs beyond the initial VMs: added later
const hostRef = fc.constantFrom(...HOSTS, NULL);

/** One change a pool may send, as a mirror batch. */
const change: fc.Arbitrary<MirrorBatch> = fc.oneof(
  // Started, stopped, suspended or paused, on a host or none; migrated.
  fc.tuple(vmIndex, fc.constantFrom('Running', 'Halted', 'Suspended', 'Paused'), hostRef).map(([i, power_state, resident_on]) => modifyVm(i, { power_state, resident_on })),
  fc.tuple(vmIndex, hostRef).map(([i, resident_on]) => modifyVm(i, { resident_on })),
  fc.tuple(vmIndex, hostRef).map(([i, affinity]) => modifyVm(i, { affinity })),
  fc.tuple(vmIndex, fc.constantFrom(...NAMES)).map(([i, name_label]) => modifyVm(i, { name_label })),
  fc.tuple(vmIndex, fc.subarray(['web', 'prod'])).map(([i, tags]) => modifyVm(i, { tags })),
  fc.tuple(vmIndex, fc.boolean()).map(([i, hide]) => modifyVm(i, { other_config: hide ? { HideFromXenCenter: 'true' } : {} })),
  fc.tuple(vmIndex, fc.boolean()).map(([i, is_a_template]) => modifyVm(i, { is_a_template })),
  // A change the tree does not show.
  fc.tuple(vmIndex, fc.integer({ min: 1, max: 9 })).map(([i, memory_target]) => modifyVm(i, { memory_target })),
  // Containers: listed (some paused), none, or a list that cannot be read.
  fc
    .tuple(vmIndex, fc.array(fc.record({ name: fc.constantFrom('web', 'db', 'Web', 'cache'), paused: fc.boolean() }), { maxLength: 3 }), fc.boolean())
    .map(([i, containers, unreadable]) => modifyVm(i, { other_config: { 'xscontainer-monitor': 'True', docker_ps: unreadable ? '<docker_ps><item>' : dockerPs(containers) } })),
  // A new VM, or one gone.
  vmIndex.map((i) => batch({ added: { VM: { [vmRef(i)]: { ...vmRecord(i % VM_COUNT), uuid: `vm-uuid-${i}` } } } })),
  vmIndex.map((i) => batch({ removed: { VM: [vmRef(i)] } })),
  // IPs reported by the guest agent.
  fc.tuple(fc.integer({ min: 0, max: VM_COUNT - 1 }), fc.integer({ min: 1, max: 3 })).map(([i, n]) => batch({ modified: { VM_guest_metrics: { [`OpaqueRef:gm${i | 1}`]: { networks: { '0/ip': `198.51.100.${n}` } } } } })),
  // Alerts about a VM or a host, coming and going.
  fc.tuple(fc.integer({ min: 0, max: 5 }), fc.constantFrom('vm-uuid-1', 'vm-uuid-4', 'host-1', 'sr-3', 'p')).map(([m, obj_uuid]) =>
    batch({ added: { message: { [`OpaqueRef:m${m}`]: { uuid: `m${m}`, name: 'HA_HOST_FAILED', priority: 1, cls: 'VM', obj_uuid, timestamp: '20240101T00:00:00Z', body: '' } } } }),
  ),
  fc.integer({ min: 0, max: 5 }).map((m) => batch({ removed: { message: [`OpaqueRef:m${m}`] } })),
  // A disk moved to another SR (local storage ties a halted VM to its host), or a VBD to another VM.
  fc.tuple(fc.integer({ min: 0, max: VM_COUNT - 1 }), fc.constantFrom(...SRS)).map(([i, SR]) => batch({ modified: { VDI: { [`OpaqueRef:vdi${i}`]: { SR } } } })),
  fc.tuple(fc.integer({ min: 0, max: VM_COUNT - 1 }), vmIndex).map(([i, j]) => batch({ modified: { VBD: { [`OpaqueRef:vbd${i}`]: { VM: vmRef(j) } } } })),
  // Hosts: maintenance mode, down, renamed; storage renamed.
  fc.tuple(fc.constantFrom(0, 1, 2), fc.boolean()).map(([i, enabled]) => batch({ modified: { host: { [HOSTS[i]]: { enabled } } } })),
  fc.tuple(fc.constantFrom(0, 1, 2), fc.boolean()).map(([i, live]) => batch({ modified: { host_metrics: { [`OpaqueRef:hm${i}`]: { live } } } })),
  fc.tuple(fc.constantFrom(0, 1, 2), fc.integer({ min: 1, max: 99 })).map(([i, memory_free]) => batch({ modified: { host_metrics: { [`OpaqueRef:hm${i}`]: { memory_free } } } })),
  fc.tuple(fc.constantFrom(0, 1, 2), fc.constantFrom('host-0', 'host-9', 'a-host')).map(([i, name_label]) => batch({ modified: { host: { [HOSTS[i]]: { name_label } } } })),
  fc.constantFrom('NFS', 'Shared', 'zz').map((name_label) => batch({ modified: { SR: { 'OpaqueRef:nfs': { name_label } } } })),
);

const options: fc.Arbitrary<TreeOptions> = fc.record({ defaultTemplates: fc.boolean(), customTemplates: fc.boolean(), localStorage: fc.boolean(), networks: fc.boolean(), hiddenObjects: fc.boolean() });

/** Everything open: every row the tree has is compared. */
const allOpen: OpenState = () => true;

const source = (mirror: ConnectionMirror) => ({ connections: [conn], mirrors: { c: mirror } });

/**
 * The batch as a server sends it: modifications of objects that exist only (a change to a ref the mirror
 * lacks is dropped), and a VBD given to another VM changes both VMs' VBDs fields, as XAPI keeps them.
 */
function asServerSends(mirror: ConnectionMirror, b: MirrorBatch): MirrorBatch {
  const modified = Object.fromEntries(
    Object.entries(b.modified).map(([cls, records]) => [cls, Object.fromEntries(Object.entries(records).filter(([ref]) => mirror.objects[cls as 'VM']?.has(ref)))]),
  ) as Record<string, Record<string, Record<string, unknown>>>;
  for (const [vbdRef, fields] of Object.entries(modified.VBD ?? {})) {
    const from = mirror.objects.VBD!.get(vbdRef)!.VM;
    const to = fields.VM as string;
    if (from === to || !mirror.objects.VM?.has(to)) {
      delete modified.VBD[vbdRef];
      continue;
    }
    const vbds = (vm: string) => (modified.VM?.[vm]?.VBDs as string[] | undefined) ?? mirror.objects.VM?.get(vm)?.VBDs ?? [];
    modified.VM = { ...modified.VM, [to]: { VBDs: [...vbds(to), vbdRef] } };
    if (mirror.objects.VM?.has(from)) modified.VM[from] = { VBDs: vbds(from).filter((r) => r !== vbdRef) };
  }
  return { ...b, modified };
}

describe('the Infrastructure view kept up to date', () => {
  it('equals the view built from scratch after any sequence of pool changes, rows included', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(change, fc.boolean()), { minLength: 1, maxLength: 25 }), options, (steps, opts) => {
        let mirror = initialMirror();
        const kept = new InfrastructureTree();
        const rows = new VisibleRows();
        kept.update(source(mirror), opts);
        for (const [step, render] of steps) {
          mirror = applyBatch(mirror, asServerSends(mirror, step));
          // Renders skip some batches (several land before the next frame): the next update catches up.
          if (!render) continue;
          const nodes = kept.update(source(mirror), opts);
          const fresh = buildInfrastructure(source(mirror), opts);
          expect(nodes).toEqual(fresh);
          expect(rows.flatten(nodes, allOpen, allOpen)).toEqual(flattenTree(fresh, allOpen));
        }
        expect(kept.update(source(mirror), opts)).toEqual(buildInfrastructure(source(mirror), opts));
      }),
      { numRuns: 300 },
    );
  });

  it('renews only the nodes above a changed VM: the other hosts and VMs stay the same objects, and so do their rows', () => {
    let mirror = initialMirror();
    const kept = new InfrastructureTree();
    const rows = new VisibleRows();
    const [before] = kept.update(source(mirror), DEFAULT_TREE_OPTIONS);
    const rowsBefore = rows.flatten([before], allOpen, allOpen);
    // vm1 runs on host-1; rename it.
    mirror = applyBatch(mirror, modifyVm(1, { name_label: 'renamed' }));
    const [after] = kept.update(source(mirror), DEFAULT_TREE_OPTIONS);
    const host = (pool: TreeNodeModel, name: string) => pool.children!.find((n) => n.label === name)!;
    expect(host(after, 'host-1')).not.toBe(host(before, 'host-1'));
    expect(host(after, 'host-2')).toBe(host(before, 'host-2'));
    expect(host(after, 'host-1').children!.filter((n) => n.label !== 'renamed')).toEqual(host(before, 'host-1').children!.filter((n) => n.target?.kind === 'object' && n.target.ref !== vmRef(1)));
    const rowsAfter = rows.flatten([after], allOpen, allOpen);
    const reused = rowsAfter.filter((r) => rowsBefore.includes(r));
    // Every row but the pool's, host-1's and the rows of host-1's children is the same object.
    expect(reused.length).toBeGreaterThanOrEqual(rowsAfter.length - 2 - host(after, 'host-1').children!.length);
    expect(rowsAfter.find((r) => r.node.label === 'host-2')).toBe(rowsBefore.find((r) => r.node.label === 'host-2'));
    // A change the tree does not show keeps the whole view.
    mirror = applyBatch(mirror, modifyVm(1, { memory_target: 7 }));
    expect(kept.update(source(mirror), DEFAULT_TREE_OPTIONS)[0]).toBe(after);
  });
});
