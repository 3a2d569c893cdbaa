import { describe, expect, it } from 'vitest';
import type { ConnectionInfo, ConnectionStatus } from '../../../shared/bridge';
import type { MirrorState } from '../../store';
import { masterNotices, noticeText, type MasterNotice, type MasterWatch } from './master-follow';

const connection = (status: ConnectionStatus): ConnectionInfo => ({ id: 'c1', address: '10.0.0.1', user: 'root', label: 'Production', demo: true, remembered: false, hidden: false, status });
const mirror = (master: string, haEnabled: boolean) => ({
  loaded: true,
  objects: {
    pool: new Map([['OpaqueRef:pool', { name_label: 'Production', master, ha_enabled: haEnabled }]]),
    host: new Map([
      ['OpaqueRef:h1', { name_label: 'xcp-prod-01' }],
      ['OpaqueRef:h2', { name_label: 'xcp-prod-02' }],
    ]),
  },
});
const state = (status: ConnectionStatus, master = 'OpaqueRef:h1', ha = true) => ({ connections: [connection(status)], mirrors: { c1: mirror(master, ha) } }) as unknown as Pick<MirrorState, 'connections' | 'mirrors'>;

function follow(states: Pick<MirrorState, 'connections' | 'mirrors'>[]): MasterNotice[][] {
  const watch = new Map<string, MasterWatch>();
  let notices: MasterNotice[] = [];
  return states.map((s) => (notices = masterNotices(s, watch, notices)));
}

describe('following the pool master', () => {
  it('says it is looking while an HA pool reconnects, then which server took over', () => {
    const seen = follow([state({ state: 'connected' }), state({ state: 'reconnecting', attempt: 2 }), state({ state: 'connected' }, 'OpaqueRef:h2')]);
    expect(seen[0]).toEqual([]);
    expect(seen[1].map(noticeText)).toEqual(['Production: lost the pool master xcp-prod-01. HA is on, so XenDeck is looking for the server that takes over…']);
    expect(seen[2].map(noticeText)).toEqual(['Production: the pool master moved from xcp-prod-01 to xcp-prod-02. XenDeck found it and reconnected by itself.']);
  });

  it('says nothing for a pool without HA that drops, nor when the same master comes back', () => {
    expect(follow([state({ state: 'connected' }, 'OpaqueRef:h1', false), state({ state: 'reconnecting', attempt: 1 }, 'OpaqueRef:h1', false)])[1]).toEqual([]);
    expect(follow([state({ state: 'connected' }), state({ state: 'reconnecting', attempt: 1 }), state({ state: 'connected' })])[2]).toEqual([]);
  });

  it('keeps the notice of a failover once it was shown', () => {
    const seen = follow([state({ state: 'connected' }), state({ state: 'connected' }, 'OpaqueRef:h2'), state({ state: 'connected' }, 'OpaqueRef:h2')]);
    expect(seen[2]).toHaveLength(1);
    expect(seen[2][0]).toBe(seen[1][0]);
  });
});
