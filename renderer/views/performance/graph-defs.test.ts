/** What the graphs say about a host's and a VM's data sources: labels, units, conversions, gaps kept. */
import { describe, expect, it } from 'vitest';
import { buildGraphs } from './graph-defs';
import { loadGraphChoice, saveGraphChoice, type KeyValueStorage } from './graph-prefs';
import { messageMarkers, parseXapiTime } from './timeline-markers';
import { panView } from './TimeNavigator';
import { formatValue } from './units';

const s = (name: string, values: (number | null)[]) => ({ name, values });

describe('VM graphs', () => {
  const graphs = buildGraphs('VM', [
    s('cpu1', [0.5, null]),
    s('cpu0', [0.1, 0.3]),
    s('memory', [2 * 1024 ** 3, 2 * 1024 ** 3]),
    s('memory_internal_free', [1024 * 1024, null]),
    s('vif_0_rx', [1000, 2000]),
    s('vif_0_tx', [10, 20]),
    s('vbd_xvda_read', [5, 6]),
    s('vbd_xvda_write', [7, 8]),
    s('vbd_xvda_iops_read', [1, 2]),
    s('vbd_xvda_read_latency', [1500, 2500]),
  ]);
  const byId = Object.fromEntries(graphs.map((g) => [g.id, g]));

  it('shows CPU per vCPU in percent with their average first, a gap where a vCPU has no data', () => {
    expect(byId.cpu.unit).toBe('percent');
    expect(byId.cpu.lines.map((l) => l.label)).toEqual(['Average', 'vCPU 0', 'vCPU 1']);
    expect(byId.cpu.lines[0].values).toEqual([30, 30]);
    expect(byId.cpu.lines[2].values).toEqual([50, null]);
  });
  it('shows memory used (allocation minus what the guest reports free) and total, in bytes', () => {
    expect(byId.memory.lines.map((l) => l.label)).toEqual(['Used', 'Total']);
    expect(byId.memory.lines[0].values).toEqual([2 * 1024 ** 3 - 1024 ** 3, null]);
  });
  it('names network and disk lines after the device, latency in milliseconds', () => {
    expect(byId.network.lines.map((l) => l.label)).toEqual(['VIF 0 receive', 'VIF 0 send']);
    expect(byId.disk.lines.map((l) => l.label)).toEqual(['xvda read', 'xvda write']);
    expect(byId.iops.lines.map((l) => l.label)).toEqual(['xvda read']);
    expect(byId.latency.lines[0].values).toEqual([1.5, 2.5]);
  });
});

describe('host graphs', () => {
  it('uses cpu_avg, memory total minus free, PIFs and SRs by name', () => {
    const graphs = buildGraphs(
      'host',
      [s('cpu0', [0.2]), s('cpu_avg', [0.25]), s('memory_total_kib', [1000]), s('memory_free_kib', [400]), s('loadavg', [1.5]), s('pif_eth0_rx', [9]), s('io_throughput_read_0a1b2c3d', [2]), s('iops_write_0a1b2c3d', [3])],
      new Map([['0a1b2c3d', 'Local storage']]),
    );
    const byId = Object.fromEntries(graphs.map((g) => [g.id, g]));
    expect(byId.cpu.lines[0]).toEqual({ label: 'Average', values: [25] });
    expect(byId.memory.lines).toEqual([{ label: 'Used', values: [600 * 1024] }, { label: 'Total', values: [1000 * 1024] }]);
    expect(byId.load.lines[0].values).toEqual([1.5]);
    expect(byId.network.lines[0].label).toBe('eth0 receive');
    expect(byId.disk.lines[0]).toEqual({ label: 'Local storage read', values: [2 * 1024 * 1024] });
    expect(byId.iops.lines[0].label).toBe('Local storage write');
  });
});

describe('big hosts', () => {
  it('start with the per-CPU lines of a host past eight CPUs hidden, the average shown', () => {
    const cpus = Array.from({ length: 16 }, (_, i) => s(`cpu${i}`, [0.1]));
    const [cpu] = buildGraphs('host', [...cpus, s('cpu_avg', [0.1])]);
    expect(cpu.lines[0].hidden).toBeUndefined();
    expect(cpu.lines.slice(1).every((l) => l.hidden)).toBe(true);
  });
});

describe('units', () => {
  it('reads as a person would say it', () => {
    expect(formatValue(null, 'percent')).toBe('—');
    expect(formatValue(42.4, 'percent')).toBe('42 %');
    expect(formatValue(512 * 1024 ** 2, 'bytes')).toBe('512 MiB');
    expect(formatValue(1536, 'bytesPerSec')).toBe('1.5 KiB/s');
    expect(formatValue(12, 'iops')).toBe('12 IOPS');
    expect(formatValue(2.5, 'ms')).toBe('2.5 ms');
  });
});

describe('graph choice', () => {
  it('is kept per object type, and unknown ids from another version are dropped', () => {
    const data = new Map<string, string>();
    const store: KeyValueStorage = { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
    expect(loadGraphChoice('VM', store)).toContain('latency');
    saveGraphChoice('VM', ['cpu', 'memory'], store);
    expect(loadGraphChoice('VM', store)).toEqual(['cpu', 'memory']);
    expect(loadGraphChoice('host', store)).toContain('load');
    data.set('xendeck.performance.graphs.host', '["network","sparkles"]');
    expect(loadGraphChoice('host', store)).toEqual(['network']);
    data.set('xendeck.performance.graphs.host', '{broken');
    expect(loadGraphChoice('host', store).length).toBe(7);
    // Values of the wrong type (another version, an edit in DevTools) give the default choice, never a crash.
    for (const wrong of ['{"cpu":true}', '"cpu"', '42', 'null', '[["cpu"]]', '[1, "network", {"id":"cpu"}]']) {
      data.set('xendeck.performance.graphs.host', wrong);
      const choice = loadGraphChoice('host', store);
      expect(choice.every((id) => typeof id === 'string'), wrong).toBe(true);
    }
    data.set('xendeck.performance.graphs.host', '[1, "network", {"id":"cpu"}]');
    expect(loadGraphChoice('host', store)).toEqual(['network']);
  });
});

describe('timeline', () => {
  it('turns XAPI messages into markers by time and priority', () => {
    expect(parseXapiTime('20250615T12:00:00Z')).toBe(Date.UTC(2025, 5, 15, 12) / 1000);
    expect(parseXapiTime('2025-06-15T14:00:00+02:00')).toBe(Date.UTC(2025, 5, 15, 12) / 1000);
    const m = messageMarkers([
      { name: 'VM_STARTED', priority: 5, timestamp: '20250615T12:00:00Z' },
      { name: 'ALARM', priority: 2, timestamp: '20250614T12:00:00Z' },
      { name: 'X', priority: 3, timestamp: 'garbage' },
    ]);
    expect(m.map((x) => [x.label, x.severity])).toEqual([['Alarm', 'high'], ['VM started', 'info']]);
  });
  it('pans the view inside the archive without changing its width', () => {
    const full = { min: 0, max: 100 };
    expect(panView({ min: 10, max: 30 }, full, 50)).toEqual({ min: 60, max: 80 });
    expect(panView({ min: 10, max: 30 }, full, 500)).toEqual({ min: 80, max: 100 });
    expect(panView({ min: 10, max: 30 }, full, -500)).toEqual({ min: 0, max: 20 });
  });
});
