import { describe, expect, it } from 'vitest';
import type { ConnectionInfo } from '../../../shared/bridge';
import type { VMRecord } from '../../../shared/xapi/generated/records';
import { applyBatch } from '../../store/apply-batch';
import { buildInfrastructure, buildObjects, buildOrganization } from './tree-model';
import { DEFAULT_TREE_OPTIONS } from './tree-options';
import { mapChangedFor, vmTreeFieldsEqual } from './tree-relevance';
import { flattenTree } from './visible-rows';

const conn: ConnectionInfo = { id: 'c', address: 'pool.example', user: 'root', label: 'pool.example', demo: false, remembered: true, hidden: false, status: { state: 'connected' } };
const NULL = 'OpaqueRef:NULL';
const vm = (name: string, f: Partial<VMRecord> = {}) => ({
  uuid: `uuid-${name}`, name_label: name, power_state: 'Halted', resident_on: NULL, is_a_template: false, is_default_template: false, is_a_snapshot: false,
  is_control_domain: false, guest_metrics: NULL, tags: [], other_config: {}, ...f,
});
const mirror = applyBatch(undefined, {
  connectionId: 'c',
  reset: true,
  added: {
    pool: { 'OpaqueRef:p': { uuid: 'p', name_label: 'Prod', tags: [] } },
    host: {
      'OpaqueRef:h1': { uuid: 'h1', name_label: 'host-1', enabled: true, metrics: NULL, address: '10.0.0.1', tags: [] },
      'OpaqueRef:h2': { uuid: 'h2', name_label: 'host-2', enabled: false, metrics: NULL, address: '10.0.0.2', tags: [] },
    },
    VM: {
      'OpaqueRef:a': vm('app-10', { power_state: 'Running', resident_on: 'OpaqueRef:h1', tags: ['web'], guest_metrics: 'OpaqueRef:g' }),
      'OpaqueRef:b': vm('app-9', { power_state: 'Running', resident_on: 'OpaqueRef:h1', other_config: { folder: '/Apps/Front' } }),
      'OpaqueRef:d0': vm('Control domain', { power_state: 'Running', resident_on: 'OpaqueRef:h1', is_control_domain: true }),
      'OpaqueRef:h': vm('stopped', { tags: ['web'] }),
      // Halted with its disk on host-2's local storage: it lives under host-2 (XenCenter's VM.Home()).
      'OpaqueRef:l': vm('local-db', { VBDs: ['OpaqueRef:vbd-l'] }),
      'OpaqueRef:t': vm('my template', { is_a_template: true }),
      'OpaqueRef:dt': vm('Debian 12', { is_a_template: true, is_default_template: true }),
      // A server from before is_default_template marks its built-in templates in other_config.
      'OpaqueRef:old': vm('Windows XP SP2', { is_a_template: true, other_config: { default_template: 'true' } }),
      'OpaqueRef:int': vm('Internal', { is_a_template: true, other_config: { xensource_internal: 'true' } }),
    },
    VM_guest_metrics: { 'OpaqueRef:g': { uuid: 'g', networks: { '0/ip': '192.0.2.7' } } },
    SR: {
      'OpaqueRef:s': { uuid: 's', name_label: 'NFS', tags: [], shared: true, PBDs: ['OpaqueRef:p1', 'OpaqueRef:p2'], type: 'nfs', introduced_by: NULL },
      'OpaqueRef:l1': { uuid: 'l1-uuid-x', name_label: 'Local storage', tags: [], shared: false, PBDs: ['OpaqueRef:pl1'], type: 'lvm', introduced_by: NULL },
      'OpaqueRef:l2': { uuid: 'l2-uuid-x', name_label: 'Local storage', tags: [], shared: false, PBDs: ['OpaqueRef:pl2'], type: 'lvm', introduced_by: NULL },
      'OpaqueRef:tools': { uuid: 't', name_label: 'XenServer Tools', tags: [], shared: true, PBDs: [], type: 'iso', is_tools_sr: true, introduced_by: NULL },
    },
    PBD: {
      'OpaqueRef:p1': { SR: 'OpaqueRef:s', host: 'OpaqueRef:h1' },
      'OpaqueRef:p2': { SR: 'OpaqueRef:s', host: 'OpaqueRef:h2' },
      'OpaqueRef:pl1': { SR: 'OpaqueRef:l1', host: 'OpaqueRef:h1' },
      'OpaqueRef:pl2': { SR: 'OpaqueRef:l2', host: 'OpaqueRef:h2' },
    },
    VBD: { 'OpaqueRef:vbd-l': { VM: 'OpaqueRef:l', VDI: 'OpaqueRef:vdi-l', type: 'Disk' } },
    VDI: { 'OpaqueRef:vdi-l': { SR: 'OpaqueRef:l2', missing: false, managed: true, other_config: {} } },
    network: { 'OpaqueRef:n': { uuid: 'n', name_label: 'eth0', tags: [], other_config: {} } },
  },
  modified: {},
  removed: {},
});
const src = { connections: [conn], mirrors: { c: mirror } };

describe('tree model', () => {
  it('lays a pool out as XenCenter does: each host with its VMs and local storage, then homeless VMs, shared storage and custom templates', () => {
    const [pool] = buildInfrastructure(src);
    expect(pool.label).toBe('Prod');
    expect(pool.children!.map((n) => n.label)).toEqual(['host-1', 'host-2', 'stopped', 'NFS', 'my template']);
    expect(pool.children![0].children!.map((n) => n.label)).toEqual(['app-9', 'app-10', 'Local storage on host-1']);
    expect(pool.children![1].children!.map((n) => n.label)).toEqual(['local-db', 'Local storage on host-2']);
    expect(pool.children![1].state).toBe('maintenance');
    expect(pool.children![1].stateText).toBe('in maintenance mode');
    expect(pool.children![0].children![0].stateText).toBe('running');
  });

  it('shows built-in templates (also old servers\u2019 other_config.default_template) and networks only when asked', () => {
    const [pool] = buildInfrastructure(src, { ...DEFAULT_TREE_OPTIONS, defaultTemplates: true, networks: true });
    expect(pool.children!.map((n) => n.label)).toEqual(['host-1', 'host-2', 'stopped', 'eth0', 'NFS', 'my template', 'Debian 12', 'Windows XP SP2']);
    const [noLocal] = buildInfrastructure(src, { ...DEFAULT_TREE_OPTIONS, localStorage: false, customTemplates: false });
    expect(noLocal.children!.map((n) => n.label)).toEqual(['host-1', 'host-2', 'stopped', 'NFS']);
    expect(noLocal.children![0].children!.map((n) => n.label)).toEqual(['app-9', 'app-10']);
  });

  it('leaves out the VMs and local storage of a host that is down, as XenCenter does', () => {
    const down = applyBatch(mirror, { connectionId: 'c', added: { host_metrics: { 'OpaqueRef:m2': { live: false } } }, modified: { host: { 'OpaqueRef:h2': { metrics: 'OpaqueRef:m2' } } }, removed: {} });
    const [pool] = buildInfrastructure({ connections: [conn], mirrors: { c: down } });
    expect(pool.children![1]).toMatchObject({ label: 'host-2', state: 'dead', stateText: 'unreachable', children: [] });
  });

  it('names repeated SRs by where they live in the flat Objects view', () => {
    const [, , , , storage] = buildObjects(src);
    expect(storage.children!.map((n) => n.label)).toEqual(['Local storage on host-1', 'Local storage on host-2', 'NFS']);
  });

  it('filters by IP and tag keeping ancestors, and says where it matched', () => {
    const open = () => true;
    const byIp = flattenTree(buildInfrastructure(src), open, '192.0.2.7');
    expect(byIp.map((r) => r.node.label)).toEqual(['Prod', 'host-1', 'app-10']);
    expect(byIp[2].termMatch).toBe('192.0.2.7');
    const byTag = flattenTree(buildInfrastructure(src), open, 'web');
    expect(byTag.map((r) => r.node.label)).toEqual(['Prod', 'host-1', 'app-10', 'stopped']);
    expect(flattenTree(buildInfrastructure(src), open, 'APP-9')[2].labelMatch).toEqual([0, 5]);
  });

  it('shows a standalone host (unnamed pool, one host) at the top level', () => {
    const single = applyBatch(mirror, { connectionId: 'c', added: {}, modified: { pool: { 'OpaqueRef:p': { uuid: 'p', name_label: '', tags: [] } } }, removed: { host: ['OpaqueRef:h2'] } });
    const [top] = buildInfrastructure({ connections: [conn], mirrors: { c: single } });
    expect(top.kind).toBe('host');
    expect(top.children!.map((n) => n.label)).toContain('stopped');
    // The Objects view lists the server among the servers and no pool for it.
    const objects = buildObjects({ connections: [conn], mirrors: { c: single } });
    expect(objects.find((g) => g.label === 'Pools')?.children ?? []).toEqual([]);
    expect(objects.find((g) => g.label === 'Servers')!.children!.map((n) => n.label)).toEqual(['host-1']);
  });

  it('files objects under their tags and XenCenter folders', () => {
    const [tags, folders] = buildOrganization(src);
    expect(tags.children!.find((t) => t.label === 'web')!.children!.map((n) => n.label)).toEqual(['app-10', 'stopped']);
    expect(folders.children![0].label).toBe('Apps');
    expect(folders.children![0].children![0].children!.map((n) => n.label)).toEqual(['app-9']);
  });

  it('ignores VM changes the tree does not show, and notices a rename', () => {
    const vms = mirror.objects.VM!;
    const memoryOnly = new Map(vms);
    memoryOnly.set('OpaqueRef:a', { ...vms.get('OpaqueRef:a')!, memory_target: 5 });
    expect(mapChangedFor(vms, memoryOnly, vmTreeFieldsEqual)).toBe(false);
    const renamed = new Map(vms);
    renamed.set('OpaqueRef:a', { ...vms.get('OpaqueRef:a')!, name_label: 'app-11' });
    expect(mapChangedFor(vms, renamed, vmTreeFieldsEqual)).toBe(true);
  });
});
