import { isAlert } from '../../store/alert-messages';
import { describe, expect, it } from 'vitest';
import { alertDetail, alertTitle, matchesFilter } from './alert-words';

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

  it('never shows a message body as raw XML', () => {
    expect(alertDetail({ name: 'ALARM', body: '<value>0.93</value>' })).toBe('');
    expect(alertDetail({ name: 'MULTIPATH_PERIODIC_ALERT', body: '<paths><path host="xcp-01" current="1" max="2"/><note>one path down</note></paths>' })).toBe('one path down');
    expect(alertDetail({ name: 'WLB_OPTIMIZATION_ALERT', body: '<config><severity value="high"/></config>' })).toBe('high');
    expect(alertDetail({ name: 'HOST_CLOCK_SKEW_DETECTED', body: 'The clock is 2 minutes fast' })).toBe('The clock is 2 minutes fast');
  });

  it('keeps VM lifecycle events out of the alerts, as XenCenter does, and real alarms in', () => {
    for (const name of ['VM_STARTED', 'VM_SHUTDOWN', 'VM_REBOOTED', 'VM_SUSPENDED', 'VM_RESUMED', 'VM_CLONED', 'VM_CRASHED', 'VM_MIGRATED', 'VM_SNAPSHOTTED', 'HA_POOL_OVERCOMMITTED']) expect(isAlert({ name }), name).toBe(false);
    for (const name of ['ALARM', 'HOST_OFFLINE', 'HA_HOST_FAILED', 'HA_POOL_DROP_IN_PLAN_EXISTS_FOR', 'HOST_CLOCK_SKEW_DETECTED', 'VMSS_SNAPSHOT_FAILED']) expect(isAlert({ name }), name).toBe(true);
  });
});
