import { describe, expect, it } from 'vitest';
import type { ConnectionInfo } from '../../../shared/bridge';
import type { VMRecord } from '../../../shared/xapi/generated/records';
import { applyBatch } from '../../store/apply-batch';
import { buildInfrastructure, buildOrganization } from './tree-model';
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
      'OpaqueRef:t': vm('my template', { is_a_template: true }),
      'OpaqueRef:dt': vm('Debian 12', { is_a_template: true, is_default_template: true }),
    },
    VM_guest_metrics: { 'OpaqueRef:g': { uuid: 'g', networks: { '0/ip': '192.0.2.7' } } },
    SR: { 'OpaqueRef:s': { uuid: 's', name_label: 'NFS', tags: [] } },
    network: { 'OpaqueRef:n': { uuid: 'n', name_label: 'eth0', tags: [], other_config: {} } },
  },
  modified: {},
  removed: {},
});
const src = { connections: [conn], mirrors: { c: mirror } };

describe('tree model', () => {
  it('puts running guests under their host (natural order), the rest under the pool, no dom0 or default templates', () => {
    const [pool] = buildInfrastructure(src);
    expect(pool.label).toBe('Prod');
    expect(pool.children!.map((n) => n.label)).toEqual(['host-1', 'host-2', 'stopped', 'my template', 'NFS', 'eth0']);
    expect(pool.children![0].children!.map((n) => n.label)).toEqual(['app-9', 'app-10']);
    expect(pool.children![1].state).toBe('maintenance');
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
