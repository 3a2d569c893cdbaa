import { describe, expect, it } from 'vitest';
import { alertWords, haAlertWords } from './ha-alert-words';

const names = { object: 'xcp-prod-01', pool: 'Production' };

describe("HA's alerts", () => {
  it("read as XenCenter words them, with the object's and the pool's names", () => {
    expect(haAlertWords({ name: 'HA_HOST_FAILED', body: "Server 'xcp-prod-01' has failed" }, names)).toEqual({ title: 'Server failed', detail: "Server 'xcp-prod-01' has failed." });
    expect(haAlertWords({ name: 'HA_HOST_WAS_FENCED', body: '' }, names)?.detail).toBe("Server 'xcp-prod-01' was fenced, and has now successfully restarted and rejoined the pool.");
    expect(haAlertWords({ name: 'HA_PROTECTED_VM_RESTART_FAILED', body: '' }, { object: 'db-primary', pool: 'Production' })?.detail).toBe("Virtual machine 'db-primary', which is protected under HA, has failed to start.");
    expect(haAlertWords({ name: 'POOL_MASTER_TRANSITION', body: '' }, { object: 'xcp-prod-02', pool: 'Production' })?.detail).toBe("Server 'xcp-prod-02' is now the master of pool 'Production'.");
  });

  it('say how far the failover tolerance dropped, from the number in the body', () => {
    const drop = (body: string) => haAlertWords({ name: 'HA_POOL_DROP_IN_PLAN_EXISTS_FOR', body }, names)?.detail;
    expect(drop('0')).toBe("The failover tolerance for pool 'Production' has dropped to 0, and HA is no longer guaranteed.");
    expect(drop('1')).toBe("The failover tolerance for pool 'Production' has dropped. HA is now only guaranteed for 1 host failure.");
    expect(drop('2')).toBe("The failover tolerance for pool 'Production' has dropped. HA is now only guaranteed for 2 host failures.");
  });

  it('leave other messages to the general alert words', () => {
    expect(haAlertWords({ name: 'HOST_CLOCK_SKEW_DETECTED', body: 'check NTP' }, names)).toBeUndefined();
    expect(alertWords({ name: 'HOST_CLOCK_SKEW_DETECTED', body: 'check NTP' }, names)).toEqual({ title: 'Host clock skew detected', detail: 'check NTP' });
    expect(alertWords({ name: 'HA_HOST_FAILED', body: '' }, names).title).toBe('Server failed');
  });
});
