import { describe, expect, it } from 'vitest';
import { storeWithPool } from '../../test/pool-store';
import { alertsCsv, csvField } from './export-alerts';

describe('alert export', () => {
  it('quotes fields and defuses spreadsheet formulas', () => {
    expect(csvField('CPU usage is 93% (alarm at 90%)')).toBe('"CPU usage is 93% (alarm at 90%)"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
  });

  it('writes the alerts in the Alerts panel’s words, newest first, without lifecycle events', () => {
    const store = storeWithPool({
      VM: { v: { uuid: 'vm-uuid', name_label: 'db-primary' } },
      message: {
        m1: { uuid: 'u1', name: 'ALARM', priority: 3, cls: 'VM', obj_uuid: 'vm-uuid', timestamp: '20240101T10:00:00Z', body: '<value>0.93</value><config><variable><name value="cpu_usage"/><alarm_trigger_level value="0.9"/></variable></config>' },
        m2: { uuid: 'u2', name: 'VM_STARTED', priority: 5, cls: 'VM', obj_uuid: 'vm-uuid', timestamp: '20240101T11:00:00Z', body: 'started' },
        m3: { uuid: 'u3', name: 'HOST_CLOCK_SKEW_DETECTED', priority: 3, cls: 'Host', obj_uuid: 'h', timestamp: '20240101T12:00:00Z', body: 'The clock is 2 minutes fast' },
      },
    });
    const { csv, count } = alertsCsv(store.getState());
    expect(count).toBe(2);
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('"Priority","Alert","Details","Object","Pool","Time","Message","UUID"');
    expect(lines[1]).toContain('"Host clock skew detected","The clock is 2 minutes fast"');
    expect(lines[2]).toContain('"Warning","CPU usage is 93% (alarm at 90%)","","db-primary","Production"');
    expect(csv).not.toContain('VM_STARTED');
  });
});
