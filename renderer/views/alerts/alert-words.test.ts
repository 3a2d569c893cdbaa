import { describe, expect, it } from 'vitest';
import { alertTitle, matchesFilter } from './alert-words';

describe('alert words', () => {
  it('reads a performance alarm as the measured value against its trigger level', () => {
    const body = '<value>0.93</value><config><variable><name value="cpu_usage"/><alarm_trigger_level value="0.9"/></variable></config>';
    expect(alertTitle({ name: 'ALARM', body })).toBe('CPU usage is 93% (alarm at 90%)');
  });

  it('turns other message names into words', () => {
    expect(alertTitle({ name: 'HOST_CLOCK_SKEW_DETECTED', body: '' })).toBe('Host clock skew detected');
    expect(alertTitle({ name: 'VM_SNAPSHOT_SCHEDULE_SNAPSHOT_SUCCEEDED', body: '' })).toBe('VM snapshot schedule snapshot succeeded');
  });

  it('filters by priority, pool and text in title, body or object name', () => {
    const a = { priority: 3, connectionId: 'p', title: 'Host clock skew detected', detail: 'check NTP', objectName: 'xcp-prod-03', name: 'HOST_CLOCK_SKEW_DETECTED' };
    expect(matchesFilter({ maxPriority: 5, pool: '', text: '' }, a)).toBe(true);
    expect(matchesFilter({ maxPriority: 2, pool: '', text: '' }, a)).toBe(false);
    expect(matchesFilter({ maxPriority: 5, pool: 'other', text: '' }, a)).toBe(false);
    expect(matchesFilter({ maxPriority: 5, pool: '', text: 'NTP' }, a)).toBe(true);
    expect(matchesFilter({ maxPriority: 5, pool: '', text: 'prod-03' }, a)).toBe(true);
    expect(matchesFilter({ maxPriority: 5, pool: '', text: 'memory' }, a)).toBe(false);
  });
});
