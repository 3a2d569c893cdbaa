import { describe, expect, it } from 'vitest';
import { AgilityChecks, agilityReason, askAgility } from './agility';

describe('agility', () => {
  it('reads VM.assert_agile: no error is agile, a XAPI error says why not', async () => {
    expect(await askAgility(async () => undefined)).toEqual({ agile: true });
    const refused = await askAgility(async () => {
      throw Object.assign(new Error('x'), { code: 'HA_CONSTRAINT_VIOLATION_SR_NOT_SHARED', params: ['OpaqueRef:local'] });
    });
    expect(refused).toEqual({ agile: false, code: 'HA_CONSTRAINT_VIOLATION_SR_NOT_SHARED', params: ['OpaqueRef:local'] });
    if (refused.agile) throw new Error('unreachable');
    expect(agilityReason(refused, (cls, ref) => (cls === 'SR' && ref === 'OpaqueRef:local' ? 'Local storage on xcp-prod-02' : undefined))).toBe(
      'A disk is on “Local storage on xcp-prod-02”, which not every server can reach: HA cannot guarantee a restart.',
    );
    expect(agilityReason({ agile: false, code: 'VM_HAS_VGPU', params: [] }, () => undefined)).toBe('It has a virtual GPU, which ties it to servers with that GPU.');
  });

  it('asks a few VMs at a time, once each, and drops what is queued when closed', async () => {
    let inFlight = 0;
    let most = 0;
    const asked: string[] = [];
    const checks = new AgilityChecks(async (ref) => {
      asked.push(ref);
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return { agile: true };
    });
    const refs = Array.from({ length: 12 }, (_, i) => `vm${i}`);
    checks.start(refs);
    checks.start(refs);
    await checks.settled(refs);
    expect(asked).toHaveLength(12);
    expect(most).toBeLessThanOrEqual(4);
    expect(checks.get('vm3')).toEqual({ agile: true });

    const later = new AgilityChecks(async () => ({ agile: true }));
    later.close();
    later.start(['a']);
    await later.settled(['a']);
    expect(later.get('a')).toBeUndefined();
    later.open();
    await later.settled(['a']);
    expect(later.get('a')).toEqual({ agile: true });
  });
});
