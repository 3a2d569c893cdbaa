import { describe, expect, it } from 'vitest';
import { disableHaSteps, editHaSteps, enableHaSteps } from './ha-steps';
import type { VmSettings } from './ha-plan-model';

const pool = { ref: 'OpaqueRef:pool', name: 'Production' };
const setting = (ref: string, priority: VmSettings['priority']): VmSettings => ({ ref, name: ref, priority, order: 1, delay: 0, previous: '' });
const calls = (steps: { method: string; params: unknown[]; async?: boolean }[]) => steps.map((s) => `${s.async ? 'Async.' : ''}${s.method}(${s.params.map((p) => JSON.stringify(p)).join(',')})`);

describe('the calls that apply an HA plan', () => {
  it("enables HA in XenCenter's order: changed VMs, failures to tolerate, then enable_ha as a task", () => {
    expect(calls(enableHaSteps(pool, [setting('vm1', 'restart')], 1, 'OpaqueRef:nfs'))).toEqual([
      'VM.set_ha_restart_priority("vm1","restart")',
      'VM.set_order("vm1",1)',
      'VM.set_start_delay("vm1",0)',
      'pool.set_ha_host_failures_to_tolerate("OpaqueRef:pool",1)',
      'Async.pool.enable_ha(["OpaqueRef:nfs"],{})',
    ]);
  });

  it('edits while HA is on so the failover plan stays valid: unprotect, tolerate, protect, then sync the database', () => {
    const steps = calls(editHaSteps(pool, [setting('gain', 'restart'), setting('lose', 'best-effort')], 2));
    expect(steps.filter((s) => s.startsWith('VM.set_ha_restart_priority') || s.startsWith('pool.') || s.startsWith('Async.'))).toEqual([
      'VM.set_ha_restart_priority("lose","best-effort")',
      'pool.set_ha_host_failures_to_tolerate("OpaqueRef:pool",2)',
      'VM.set_ha_restart_priority("gain","restart")',
      'Async.pool.sync_database()',
    ]);
  });

  it('disables HA with one task', () => {
    expect(calls(disableHaSteps(pool))).toEqual(['Async.pool.disable_ha()']);
  });
});
