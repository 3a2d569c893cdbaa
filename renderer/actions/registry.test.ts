import { describe, expect, it } from 'vitest';
import type { Target } from '../store';
import { storeWithPool } from '../test/pool-store';
import { ACTIONS, actionById, actionsFor } from './registry';

function storeWith(vms: Record<string, { name: string; power: string; ops: string[]; template?: boolean }>, hosts: Record<string, { enabled: boolean; ops: string[]; maintenance?: boolean }> = {}) {
  return storeWithPool({
    VM: Object.fromEntries(Object.entries(vms).map(([ref, v]) => [ref, { name_label: v.name, power_state: v.power, allowed_operations: v.ops, is_a_template: Boolean(v.template), is_a_snapshot: false, is_control_domain: false, VBDs: [] }])),
    host: Object.fromEntries(Object.entries(hosts).map(([ref, h]) => [ref, { name_label: ref, enabled: h.enabled, allowed_operations: h.ops, other_config: h.maintenance ? { MAINTENANCE_MODE: 'true' } : {}, resident_VMs: [] }])),
  }, { demo: true });
}

const vm = (ref: string): Target => ({ kind: 'object', connectionId: 'c', cls: 'VM', ref });

describe('action registry', () => {
  it('enables VM actions exactly by XAPI allowed_operations', () => {
    const s = storeWith({ a: { name: 'web-01', power: 'Running', ops: ['clean_shutdown', 'hard_shutdown', 'clean_reboot', 'suspend', 'pause'] }, b: { name: 'db', power: 'Halted', ops: ['start', 'clone', 'copy', 'destroy'] } }).getState();
    const enabled = (id: string, targets: Target[]) => actionById(id)!.disabledReason(targets, s) === undefined;
    expect(enabled('vm.start', [vm('a')])).toBe(false);
    expect(enabled('vm.shutdown', [vm('a')])).toBe(true);
    expect(enabled('vm.start', [vm('b')])).toBe(true);
    expect(enabled('vm.delete', [vm('a')])).toBe(false);
    expect(enabled('vm.delete', [vm('b')])).toBe(true);
    expect(enabled('vm.resume', [vm('a'), vm('b')])).toBe(false);
    // A mixed selection: Start applies to the halted one, Shut down to the running one.
    expect(enabled('vm.start', [vm('a'), vm('b')])).toBe(true);
    expect(enabled('vm.shutdown', [vm('a'), vm('b')])).toBe(true);
  });

  it('says why an action cannot run, from the power state and the operations in progress', () => {
    const s = storeWith({ a: { name: 'web-01', power: 'Running', ops: ['clean_shutdown', 'hard_shutdown'] }, b: { name: 'db', power: 'Halted', ops: ['start', 'destroy'] } }).getState();
    const reason = (id: string, targets: Target[]) => actionById(id)!.disabledReason(targets, s);
    expect(reason('vm.start', [vm('a')])).toBe('web-01 is already running.');
    expect(reason('vm.reboot', [vm('b')])).toBe('db is shut down: it must be running.');
    expect(reason('vm.delete', [vm('a')])).toBe('web-01 is running: shut it down before deleting it.');
    expect(reason('vm.resume', [vm('a'), vm('b')])).toBe('None of the 2 selected VMs can: web-01 is running, not suspended. db is shut down, not suspended.');
    expect(reason('vm.copy', [vm('a')])).toBe('web-01 is running: shut it down to copy it.');
  });

  it('lets a host with running VMs be rebooted (its VMs are moved or shut down first), and says why an unreachable one cannot', () => {
    const s = storeWith({}, { h: { enabled: true, ops: ['evacuate', 'reboot', 'shutdown'] } }).getState();
    const host: Target[] = [{ kind: 'object', connectionId: 'c', cls: 'host', ref: 'h' }];
    expect(actionById('host.reboot')!.disabledReason(host, s)).toBeUndefined();
    expect(actionById('host.shutdown')!.disabledReason(host, s)).toBeUndefined();
  });

  it('gives every action a reason when it does not apply to the selection', () => {
    for (const action of ACTIONS) expect(action.needs, action.id).toMatch(/\S/);
  });

  it('offers VM actions for VMs, host actions for hosts and connection actions for connection rows', () => {
    const s = storeWith({ a: { name: 'web-01', power: 'Running', ops: [] } }, { h: { enabled: true, ops: ['evacuate'] } }).getState();
    const ids = (targets: Target[]) => actionsFor(targets, s).map((a) => a.id);
    expect(ids([vm('a')])).toContain('vm.forceShutdown');
    expect(ids([vm('a')])).not.toContain('host.enterMaintenance');
    expect(ids([{ kind: 'object', connectionId: 'c', cls: 'host', ref: 'h' }])).toEqual(expect.arrayContaining(['host.enterMaintenance', 'host.reboot']));
    expect(ids([{ kind: 'connection', connectionId: 'c' }])).toEqual(expect.arrayContaining(['connection.disconnect', 'connection.hide', 'vm.new']));
    // The pool row stands for its connection: Disconnect and Forget are there too.
    expect(ids([{ kind: 'object', connectionId: 'c', cls: 'pool', ref: 'p' }])).toEqual(expect.arrayContaining(['connection.disconnect', 'vm.new']));
  });

  it('offers exit of maintenance mode only for a disabled host', () => {
    const s = storeWith({}, { on: { enabled: true, ops: ['evacuate'] }, off: { enabled: false, ops: ['reboot', 'shutdown'], maintenance: true } }).getState();
    const host = (ref: string): Target[] => [{ kind: 'object', connectionId: 'c', cls: 'host', ref }];
    const reason = (id: string, targets: Target[]) => actionById(id)!.disabledReason(targets, s);
    expect(reason('host.enterMaintenance', host('on'))).toBeUndefined();
    expect(reason('host.exitMaintenance', host('on'))).toBe('on is not in maintenance mode.');
    expect(reason('host.exitMaintenance', host('off'))).toBeUndefined();
    expect(reason('host.enterMaintenance', host('off'))).toBe('off is already in maintenance mode.');
    expect(reason('host.reboot', host('off'))).toBeUndefined();
  });
});
