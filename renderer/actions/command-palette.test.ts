import { describe, expect, it } from 'vitest';
import type { Target } from '../store';
import { storeWithPool } from '../test/pool-store';
import { actionEntries } from './CommandPalette';
import { ACTIONS } from './registry';
import { describeKeys } from './types';

function state() {
  return storeWithPool({
    pool: { p: { uuid: 'p', name_label: 'Production', tags: [] } },
    VM: { a: { name_label: 'web-01', power_state: 'Running', allowed_operations: ['clean_shutdown', 'snapshot'], is_a_template: false, is_a_snapshot: false, is_control_domain: false, VBDs: [], current_operations: {}, blocked_operations: {} } },
    host: { h: { name_label: 'xcp-01', enabled: true, allowed_operations: ['evacuate'], other_config: {}, resident_VMs: [], current_operations: {}, metrics: 'OpaqueRef:NULL' } },
  }).getState();
}

const vm: Target[] = [{ kind: 'object', connectionId: 'c', cls: 'VM', ref: 'a' }];

describe('command palette', () => {
  it('lists every registered action, with its keys, runnable ones first and the others with their reason', () => {
    const entries = actionEntries(vm, state(), '');
    const ids = new Set(entries.flatMap((e) => (e.kind === 'action' ? [e.action.id] : [])));
    expect([...ids].sort()).toEqual(ACTIONS.map((a) => a.id).sort());
    for (const e of entries) {
      if (e.kind !== 'action') continue;
      expect(e.keys).toBe(describeKeys(e.action.keys));
      if (e.reason !== undefined) expect(e.reason, e.label).toMatch(/\S/);
    }
    const firstBlocked = entries.findIndex((e) => e.kind === 'action' && e.reason !== undefined);
    expect(entries.slice(firstBlocked).every((e) => e.kind !== 'action' || e.reason !== undefined)).toBe(true);
    expect(entries.find((e) => e.kind === 'action' && e.action.id === 'host.reboot')).toMatchObject({ reason: 'Select one or more hosts in the tree.' });
  });

  it('finds every action by its label, and by the words users try', () => {
    const s = state();
    for (const action of ACTIONS) {
      const found = actionEntries(vm, s, action.label.toLowerCase().replace('…', '')).filter((e) => e.kind === 'action' && e.action.id === action.id);
      expect(found.length, action.id).toBeGreaterThan(0);
    }
    const ids = (q: string) => actionEntries(vm, s, q).flatMap((e) => (e.kind === 'action' ? [e.action.id] : []));
    expect(ids('snap')).toContain('vm.snapshot');
    expect(ids('maint')).toEqual(expect.arrayContaining(['host.enterMaintenance', 'host.exitMaintenance']));
    expect(ids('export')).toContain('alerts.export');
    expect(ids('migrate')).toContain('host.enterMaintenance');
  });
});
