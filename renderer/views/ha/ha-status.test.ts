import { describe, expect, it } from 'vitest';
import { configureHaReason, disableHaReason, haStatus, heartbeatSrCandidates, statefileProblem } from './ha-status';

const uuids = ['u1', 'u2', 'u3'];
function mirror(over: { ha?: boolean; peers?: string[][]; live?: boolean[]; ntol?: number; plan?: number; ops?: string[] } = {}) {
  const ha = over.ha ?? true;
  const hosts = new Map(
    ['xcp-prod-03', 'xcp-prod-01', 'xcp-prod-02'].map((name, i) => [
      `OpaqueRef:h${i}`,
      { name_label: name, uuid: uuids[i], metrics: `OpaqueRef:m${i}`, ha_network_peers: over.peers?.[i] ?? uuids, ha_statefiles: ha ? ['OpaqueRef:sf'] : [] },
    ]),
  );
  return {
    objects: {
      pool: new Map([['OpaqueRef:pool', { name_label: 'Production', master: 'OpaqueRef:h1', ha_enabled: ha, ha_statefiles: ha ? ['OpaqueRef:sf'] : [], ha_host_failures_to_tolerate: over.ntol ?? 1, ha_plan_exists_for: over.plan ?? 1, ha_overcommitted: false, current_operations: Object.fromEntries((over.ops ?? []).map((o, i) => [`t${i}`, o])), is_psr_pending: false }]]),
      host: hosts,
      host_metrics: new Map([0, 1, 2].map((i) => [`OpaqueRef:m${i}`, { live: over.live?.[i] ?? true }])),
      VDI: new Map([['OpaqueRef:sf', { SR: 'OpaqueRef:nfs', type: 'ha_statefile' }]]),
      SR: new Map([
        ['OpaqueRef:nfs', { name_label: 'NFS VM storage', shared: true, is_tools_sr: false }],
        ['OpaqueRef:iso', { name_label: 'ISO library', shared: true, is_tools_sr: false }],
        ['OpaqueRef:tools', { name_label: 'XenServer Tools', shared: true, is_tools_sr: true }],
        ['OpaqueRef:local', { name_label: 'Local storage', shared: false, is_tools_sr: false }],
      ]),
      VM: new Map(),
    },
  } as never;
}

describe("a pool's HA state", () => {
  it('lists each host by name with its heartbeats over the network and the heartbeat SR', () => {
    const s = haStatus(mirror({ peers: [uuids, ['u1', 'u3'], []], live: [true, true, false] }), 'Production')!;
    expect(s.heartbeatSrs.map((r) => r.name)).toEqual(['NFS VM storage']);
    expect(s.hosts.map((h) => [h.name, h.master, h.live, h.network.text])).toEqual([
      ['xcp-prod-01', true, true, '2 out of 3 servers'],
      ['xcp-prod-02', false, false, 'Error'],
      ['xcp-prod-03', false, true, 'Healthy'],
    ]);
    // Just after HA was switched on, hosts that have not reported yet are initializing, not in error.
    expect(haStatus(mirror({ peers: [[], [], []] }), 'Production', true)!.hosts[0].network.text).toBe('Initializing…');
  });

  it('is overcommitted when the plan covers fewer failures than configured', () => {
    expect(haStatus(mirror({ ntol: 1, plan: 0 }), 'Production')).toMatchObject({ configuredCapacity: 1, currentCapacity: 0, overcommitted: true });
    expect(haStatus(mirror({ ntol: 1, plan: 1 }), 'Production')!.overcommitted).toBe(false);
  });

  it("says why HA cannot be configured or disabled now, as XenCenter's commands do", () => {
    expect(configureHaReason(mirror({ ha: false }), 'Production')).toBeUndefined();
    expect(configureHaReason(mirror({ live: [true, true, false] }), 'Production')).toMatch(/all servers in the pool must be reachable \(xcp-prod-02 is not\)/);
    expect(configureHaReason(mirror({ ops: ['ha_enable'] }), 'Production')).toBe('HA is currently being enabled for ‘Production’.');
    // A standalone server (one host, a pool without a name) has no HA; a named pool of one host may have it.
    const single = (poolName: string) => {
      const m = mirror({ ha: false }) as unknown as { objects: { host: Map<string, unknown>; pool: Map<string, { name_label: string }> } };
      for (const ref of [...m.objects.host.keys()].slice(1)) m.objects.host.delete(ref);
      for (const pool of m.objects.pool.values()) pool.name_label = poolName;
      return m as never;
    };
    expect(configureHaReason(single(''), 'xcp-lab-03')).toBe('HA is not available on standalone servers.');
    expect(configureHaReason(single('Lab'), 'Lab')).toBeUndefined();
    expect(disableHaReason(mirror({ ha: false }), 'Production')).toBe('HA is not enabled on pool ‘Production’.');
    expect(disableHaReason(mirror(), 'Production')).toBeUndefined();
  });

  it('offers the shared SRs other than the tools SR for the heartbeat, and words why one cannot hold it', () => {
    expect(heartbeatSrCandidates(mirror()).map(([, sr]) => sr.name_label)).toEqual(['ISO library', 'NFS VM storage']);
    expect(statefileProblem({ code: 'SR_HAS_NO_PBDS', params: ['x'] })).toBe('Detached: it is not plugged on every server.');
    expect(statefileProblem({ code: 'SR_OPERATION_NOT_SUPPORTED', params: ['x'] })).toBe('This kind of storage cannot hold the heartbeat statefile.');
  });
});
