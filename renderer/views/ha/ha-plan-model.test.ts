import { describe, expect, it } from 'vitest';
import type { VMRecord } from '../../../shared/xapi/generated/records';
import { changedSettings, effectivePriority, hypotheticalConfiguration, initialPlan, planWarnings, priorityCounts, protectableVms, readPriority, rowErrors, type Agility } from './ha-plan-model';

const vm = (name: string, over: Partial<VMRecord> = {}) =>
  ({ name_label: name, is_a_template: false, is_a_snapshot: false, is_control_domain: false, other_config: {}, ha_restart_priority: '', order: 0, start_delay: 0, ...over }) as VMRecord;
const agile: Agility = { agile: true };
const notAgile: Agility = { agile: false, code: 'HA_CONSTRAINT_VIOLATION_SR_NOT_SHARED', params: ['OpaqueRef:local'] };

describe('the HA plan model', () => {
  it('lists the VMs HA can protect by name, without templates, snapshots, control domains or hidden VMs', () => {
    const objects = {
      VM: new Map([
        ['r3', vm('web-10')],
        ['r1', vm('web-2')],
        ['t', vm('tpl', { is_a_template: true })],
        ['s', vm('snap', { is_a_snapshot: true })],
        ['d', vm('Control domain', { is_control_domain: true })],
        ['h', vm('hidden', { other_config: { HideFromXenCenter: 'true' } })],
      ]),
    };
    expect(protectableVms({ objects }).map(([, v]) => v.name_label)).toEqual(['web-2', 'web-10']);
  });

  it('reads legacy numeric priorities as Restart, as XenCenter and xapi do', () => {
    expect(['0', '1', 'restart', 'best-effort', ''].map(readPriority)).toEqual(['restart', 'restart', 'restart', 'best-effort', '']);
  });

  it('protects every VM by default the first time: Restart once agile, Restart if possible when not', () => {
    const rows = initialPlan([['a', vm('a')], ['b', vm('b')]], true);
    expect(rows.map((r) => r.priority)).toEqual([null, null]);
    expect(effectivePriority(rows[0], undefined)).toBeUndefined();
    expect(effectivePriority(rows[0], agile)).toBe('restart');
    expect(effectivePriority(rows[1], notAgile)).toBe('best-effort');
    // A pool where some VM has a priority keeps everyone's as it is.
    expect(initialPlan([['a', vm('a', { ha_restart_priority: 'restart' })], ['b', vm('b')]], true).map((r) => r.priority)).toEqual(['restart', '']);
  });

  it('downgrades a non-agile Restart VM and asks the pool about the Restart VMs only', () => {
    const rows = initialPlan([['a', vm('a', { ha_restart_priority: 'restart' })], ['b', vm('b', { ha_restart_priority: 'restart' })], ['c', vm('c', { ha_restart_priority: 'best-effort' })]], false);
    const agility = (ref: string) => (ref === 'b' ? notAgile : agile);
    expect(hypotheticalConfiguration(rows, agility)).toEqual({ a: 'restart' });
    expect(priorityCounts(rows, agility)).toEqual({ restart: 1, bestEffort: 2, doNotRestart: 0 });
  });

  it('writes only the VMs whose priority, order or delay changed, with whole numbers checked first', () => {
    const vms = new Map([
      ['a', vm('a', { ha_restart_priority: '1', order: 0, start_delay: 0 })],
      ['b', vm('b', { ha_restart_priority: '', order: 2, start_delay: 10 })],
    ]);
    const rows = initialPlan([...vms], false);
    expect(changedSettings(rows, vms, () => agile)).toEqual([]);
    rows[1] = { ...rows[1], priority: 'best-effort', delay: '5' };
    expect(changedSettings(rows, vms, () => agile)).toEqual([{ ref: 'b', name: 'b', priority: 'best-effort', order: 2, delay: 5, previous: '' }]);
    expect(rowErrors([{ ...rows[0], order: '-1' }, { ...rows[1], delay: '1.5' }])).toEqual({
      'order:a': 'Start order of a: enter a whole number, 0 or more.',
      'delay:b': 'Start delay of b: enter a number of seconds, 0 or more.',
    });
  });

  it("warns on the summary when nothing is protected or no failure is tolerated", () => {
    expect(planWarnings({ restart: 0, bestEffort: 0, doNotRestart: 4 }, 1)).toEqual(['No VMs are protected. This configuration protects the pool master, but none of your services.']);
    expect(planWarnings({ restart: 2, bestEffort: 0, doNotRestart: 0 }, 0)).toHaveLength(1);
    expect(planWarnings({ restart: 2, bestEffort: 0, doNotRestart: 0 }, 1)).toEqual([]);
  });
});
