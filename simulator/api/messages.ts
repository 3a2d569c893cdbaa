/** `message` objects (XenCenter's alerts): created for notable events and by message.create. */
import type { PoolSim } from '../core';
import type { ApiRegistry } from '../rpc/api-registry';
import { xapiDateTime, parseXapiDateTime } from '../datetime';
import { XapiError } from '../xapi-error';

/** Priorities as XenCenter reads them: 1 = data loss imminent … 5 = informational. */
export function postMessage(pool: PoolSim, name: string, priority: number, cls: string, objUuid: string, body: string, at?: number): string {
  return pool.db.create('message', {
    name, priority, cls, obj_uuid: objUuid, body, timestamp: xapiDateTime(at ?? pool.sim.clock.now()),
  });
}

export function installMessageApi(api: ApiRegistry): void {
  api.register('message.create', (call, name: string, priority: number, cls: string, objUuid: string, body: string) => {
    const table = cls === 'Host' ? 'host' : cls === 'Pool' ? 'pool' : cls;
    try {
      call.db.byUuid(table, objUuid);
    } catch {
      throw new XapiError('UUID_INVALID', [cls, objUuid]);
    }
    return postMessage(call.pool, name, priority, cls, objUuid, body);
  });
  api.register('message.destroy', (call, self: string) => {
    call.db.get('message', self);
    call.db.destroy('message', self);
  });
  api.register('message.get_since', (call, since: string) => {
    const t = parseXapiDateTime(since) ?? 0;
    const out: Record<string, unknown> = {};
    for (const [ref, m] of call.db.all('message')) if ((parseXapiDateTime(String(m.timestamp)) ?? 0) > t) out[ref] = m;
    return out;
  });
}
