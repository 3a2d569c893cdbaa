/** host.* and pool.* messages beyond the generic ones: clocks, memory, enable/disable, master designation. */
import type { ApiRegistry } from '../rpc/api-registry';
import { xapiDateTime } from '../datetime';
import { XapiError } from '../xapi-error';
import { hostFreeMemory } from './vm-state';
import { designateMaster } from '../pool-membership';
import { HOST_OPS, refreshHostOperations } from './host-operations';

export function installHostApi(api: ApiRegistry): void {
  api.register('host.get_servertime', (call, host: string) => {
    call.db.get('host', host);
    return xapiDateTime(call.clock.now());
  });
  api.register('host.get_server_localtime', (call, host: string) => {
    call.db.get('host', host);
    return xapiDateTime(call.clock.now());
  });
  api.register('host.compute_free_memory', (call, host: string) => hostFreeMemory(call.pool, host));
  api.register('host.compute_memory_overhead', (call, host: string) => Number(call.db.get('host', host).memory_overhead));
  api.register('host.get_management_interface', (call, host: string) => {
    const pif = (call.db.get('host', host).PIFs as string[]).find((p) => call.db.get('PIF', p).management);
    if (!pif) throw new XapiError('HOST_HAS_NO_MANAGEMENT_IP');
    return pif;
  });
  api.register('host.disable', (call, host: string) => {
    call.db.get('host', host);
    call.db.update('host', host, { enabled: false });
    refreshHostOperations(call.pool, host);
  });
  api.register('host.enable', (call, host: string) => {
    call.db.get('host', host);
    call.db.update('host', host, { enabled: true });
    refreshHostOperations(call.pool, host);
  });
  api.register('pool.designate_new_master', (call, host: string) => {
    call.db.get('host', host);
    const target = call.pool.host(host);
    if (!target?.alive) throw new XapiError('HOST_OFFLINE', [host]);
    designateMaster(call.pool, target);
  });
}

export { HOST_OPS };
