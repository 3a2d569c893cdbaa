/**
 * Cross-pool migration through the ConnectionManager, as the renderer drives it: host.migrate_receive on the
 * destination's connection answers with a handle (no session of the destination reaches the page), and the
 * handle given back as `dest` to VM.assert_can_migrate / VM.migrate_send on the source's connection works
 * like the token itself, over real sockets against the demo's two pools.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionManager } from './connection-manager';
import { MIGRATION_TOKEN_HANDLE, MigrationTokens } from './migration-tokens';
import { connectLabPools, startLab, type Lab, type LabConnections } from './sim-harness';

let lab: Lab;
let pools: LabConnections;
let manager: ConnectionManager;
let ids: Record<string, string>;

beforeAll(async () => {
  lab = await startLab({ scenario: 'demo', timeScale: 50 });
  pools = await connectLabPools(lab);
  ({ manager, ids } = pools);
});

afterAll(async () => {
  await pools?.dispose();
  await lab?.stop();
});

const call = <T>(pool: string, method: string, ...params: unknown[]) => manager.call(ids[pool], method, params) as Promise<T>;

describe('migration tokens through the ConnectionManager', () => {
  it('gives the page a handle for host.migrate_receive, without the destination session, and the handle works as dest', async () => {
    const [host] = await call<string[]>('Production', 'host.get_by_name_label', 'xcp-prod-01');
    const pifs = await call<Record<string, { host: string; management: boolean; network: string }>>('Production', 'PIF.get_all_records');
    const network = Object.values(pifs).find((p) => p.host === host && p.management)!.network;
    const handle = await call<Record<string, string>>('Production', 'host.migrate_receive', host, network, {});
    expect(Object.keys(handle).sort()).toEqual(['host', 'master', MIGRATION_TOKEN_HANDLE].sort());
    expect(handle.host).toBe(host);
    expect(JSON.stringify(handle)).not.toMatch(/session/i);

    // A halted Lab VM, its disk to Production's default SR and its interface to that network.
    const [vm] = await call<string[]>('Lab', 'VM.get_by_name_label', 'k8s-lab-3');
    const vbds = await call<string[]>('Lab', 'VM.get_VBDs', vm);
    const vdis: Record<string, string> = {};
    const pool = (await call<string[]>('Production', 'pool.get_all'))[0];
    const sr = await call<string>('Production', 'pool.get_default_SR', pool);
    for (const vbd of vbds) if ((await call<string>('Lab', 'VBD.get_type', vbd)) === 'Disk') vdis[await call<string>('Lab', 'VBD.get_VDI', vbd)] = sr;
    const vifs = Object.fromEntries((await call<string[]>('Lab', 'VM.get_VIFs', vm)).map((v) => [v, network]));
    await expect(call('Lab', 'VM.assert_can_migrate', vm, handle, true, vdis, vifs, {})).resolves.toBe('');
    // The same handle fails on the source as the server would fail a bad map: the token really reached it.
    await expect(call('Lab', 'VM.assert_can_migrate', vm, handle, true, {}, vifs, {})).rejects.toMatchObject({ code: 'VDI_NOT_IN_MAP' });
  });

  it('hides the token whichever spelling of migrate_receive the server dispatches', async () => {
    const [host] = await call<string[]>('Production', 'host.get_by_name_label', 'xcp-prod-02');
    const pifs = await call<Record<string, { host: string; management: boolean; network: string }>>('Production', 'PIF.get_all_records');
    const network = Object.values(pifs).find((p) => p.host === host && p.management)!.network;
    for (const spelling of ['host.migrate_receive', 'HOST.migrate_receive']) {
      const handle = await call<Record<string, string>>('Production', spelling, host, network, {});
      expect(Object.keys(handle).sort(), spelling).toEqual(['host', 'master', MIGRATION_TOKEN_HANDLE].sort());
    }
  });

  it('refuses host.migrate_receive as an Async call, whose task result would carry the session', async () => {
    for (const spelling of ['Async.host.migrate_receive', 'InternalAsync.host.migrate_receive', 'async.HOST_migrate_receive']) {
      await expect(manager.callAsync(ids.Production, spelling, ['OpaqueRef:x', 'OpaqueRef:y', {}]), spelling).rejects.toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
    }
  });
});

describe('MigrationTokens', () => {
  it('passes other results and arguments through untouched', () => {
    const tokens = new MigrationTokens();
    // xapi also dispatches Class_message: a token so named is a token still.
    expect(Object.keys(tokens.hide('host_migrate_receive', { session_id: 'x', host: 'h' }) as object)).not.toContain('session_id');
    expect(tokens.hide('VM.get_record', { session_id: 'x' })).toEqual({ session_id: 'x' });
    expect(tokens.reveal('VM.migrate_send', ['OpaqueRef:a', { host: 'h' }, true])).toEqual(['OpaqueRef:a', { host: 'h' }, true]);
  });

  it('says an expired or unknown handle has expired, in words, before anything is sent', () => {
    let now = 0;
    const tokens = new MigrationTokens(() => now);
    const handle = tokens.hide('host.migrate_receive', { session_id: 'OpaqueRef:s', host: 'OpaqueRef:h', master: 'http://m/' });
    expect(tokens.reveal('VM.migrate_send', ['vm', handle])[1]).toEqual({ session_id: 'OpaqueRef:s', host: 'OpaqueRef:h', master: 'http://m/' });
    now += 2 * 60 * 60_000;
    expect(() => tokens.reveal('VM.migrate_send', ['vm', handle])).toThrow(expect.objectContaining({ code: 'MIGRATION_TOKEN_EXPIRED' }));
    expect(() => tokens.reveal('VM.migrate_send', ['vm', { [MIGRATION_TOKEN_HANDLE]: 'forged' }])).toThrow(expect.objectContaining({ code: 'MIGRATION_TOKEN_EXPIRED' }));
  });
});
