import { describe, expect, it } from 'vitest';
import { capacityProblem, capacityVerdict, capMaximum, FailureCapacity } from './failure-capacity';

describe('failures tolerated', () => {
  it("says whether HA is guaranteed, in XenCenter's words, and refuses an overcommitted number", () => {
    expect(capacityVerdict({ status: 'done', max: 1 }, 1)).toMatchObject({ tone: 'ok', canProceed: true, message: 'HA is guaranteed. The maximum number of server failures that HA can protect against is 1.' });
    expect(capacityVerdict({ status: 'done', max: 1 }, 2)).toMatchObject({ tone: 'error', overcommitted: true, canProceed: false });
    expect(capacityVerdict({ status: 'done', max: 1 }, 0)).toMatchObject({ tone: 'warning', canProceed: true });
    expect(capacityVerdict({ status: 'calculating' }, 1)).toMatchObject({ tone: 'busy', canProceed: false });
    expect(capacityVerdict({ status: 'failed', error: { code: 'HOST_OFFLINE', params: [] } }, 1).message).toBe('Unable to calculate the maximum pool failure capacity.');
    expect(capacityProblem({ status: 'done', max: 1 }, 2)).toBe('With this plan the pool can tolerate at most 1 server failure: lower Failures tolerated, or protect fewer VMs.');
    expect(capacityProblem({ status: 'done', max: 1 }, 1)).toBeUndefined();
  });

  it("applies a hyper-converged pool's own cap only when it is lower", () => {
    expect(capMaximum(2, { other_config: { 'hci-limit-fault-tolerance': '1' } })).toBe(1);
    expect(capMaximum(1, { other_config: { 'hci-limit-fault-tolerance': '3' } })).toBe(1);
    expect(capMaximum(2, { other_config: {} })).toBe(2);
  });

  it('asks the pool once per set of Restart VMs until the pool changes, and shows the last maximum while asking', async () => {
    const asked: string[] = [];
    const capacity = new FailureCapacity(async (config) => {
      asked.push(Object.keys(config).sort().join());
      return 3 - Object.keys(config).length;
    });
    capacity.request({ a: 'restart' });
    expect(await capacity.settled()).toEqual({ status: 'done', max: 2 });
    capacity.request({ a: 'restart', b: 'restart' });
    expect(capacity.current()).toEqual({ status: 'calculating', previousMax: 2 });
    expect(await capacity.settled()).toEqual({ status: 'done', max: 1 });
    capacity.request({ a: 'restart' });
    expect(capacity.current()).toEqual({ status: 'done', max: 2 });
    expect(asked).toEqual(['a', 'a,b']);
    capacity.invalidate();
    expect(await capacity.settled()).toEqual({ status: 'done', max: 2 });
    expect(asked).toEqual(['a', 'a,b', 'a']);
  });

  it('keeps a failed answer as the reason, and ignores answers once closed', async () => {
    let fail = true;
    const capacity = new FailureCapacity(async () => {
      if (fail) throw Object.assign(new Error('x'), { code: 'INVALID_VALUE', params: [] });
      return 1;
    });
    capacity.request({});
    expect((await capacity.settled()).status).toBe('failed');
    fail = false;
    capacity.close();
    capacity.open();
    expect(await capacity.settled()).toEqual({ status: 'done', max: 1 });
  });
});
