/**
 * VDI.pool_migrate: live storage migration of one disk to another SR of the pool (XenCenter's "Migrate
 * virtual disk"), built as xapi builds it: an intra-pool VM.migrate_send of the disk's VM with that disk
 * mapped to the new SR and every other disk (CDs included) staying where it is, to the host the VM runs on
 * (or, for a halted VM, a host that sees every SR involved). Returns the disk's new VDI.
 */
import type { ApiRegistry } from '../rpc/api-registry';
import type { CallContext } from '../rpc/call-context';
import { NULL_REF } from '../db/object-db';
import { XapiError } from '../xapi-error';
import { srsVisibleFrom } from './boot-checks';
import { assertCanMigrate, type MigrationRequest } from './migration-checks';
import { checkMigrationOperation } from './migration-operation';
import { planMigration } from './migration-plan';
import { migrateReceive } from './migration-token';
import { runMigration } from './migrate-send';
import { withOperation } from './vm-operation';

/** The host that performs the move: the VM's own while it runs, else one that sees every SR (the master first). */
function performingHost(call: CallContext, vmRef: string, srs: string[]): string {
  const vm = call.db.get('VM', vmRef);
  if ((vm.power_state === 'Running' || vm.power_state === 'Paused') && vm.resident_on !== NULL_REF) return String(vm.resident_on);
  const hosts = [call.pool.masterRef, ...call.db.refs('host').filter((h) => h !== call.pool.masterRef)];
  const host = hosts.find((h) => call.pool.host(h)?.alive !== false && srs.every((sr) => srsVisibleFrom(call.pool, h).has(sr)));
  if (!host) throw new XapiError('NO_HOSTS_AVAILABLE');
  return host;
}

function managementNetwork(call: CallContext, hostRef: string): string {
  const pif = (call.db.get('host', hostRef).PIFs as string[]).find((p) => call.db.find('PIF', p)?.management);
  if (!pif) throw new XapiError('HOST_HAS_NO_MANAGEMENT_IP');
  return String(call.db.get('PIF', pif).network);
}

async function vdiPoolMigrate(call: CallContext, vdiRef: string, srRef: string): Promise<string> {
  const db = call.db;
  const vdi = db.get('VDI', vdiRef);
  db.get('SR', srRef);
  if (vdi.type === 'cbt_metadata') throw new XapiError('VDI_INCOMPATIBLE_TYPE', [vdiRef, 'cbt_metadata']);
  if (vdi.cbt_enabled) throw new XapiError('VDI_CBT_ENABLED', [vdiRef]);
  const vbds = vdi.VBDs as string[];
  if (!vbds.length) throw new XapiError('VDI_NEEDS_VM_FOR_MIGRATE', [vdiRef]);
  const vbd = vbds[0];
  const vmRef = String(db.get('VBD', vbd).VM);
  checkMigrationOperation(call, vmRef, 'migrate_send');
  return withOperation(call, vmRef, 'migrate_send', async () => {
    const vdiMap: Record<string, string> = {};
    for (const other of db.get('VM', vmRef).VBDs as string[]) {
      const rec = db.get('VBD', other);
      if (!rec.empty && rec.VDI !== NULL_REF && db.has('VDI', String(rec.VDI))) vdiMap[String(rec.VDI)] = String(db.get('VDI', String(rec.VDI)).SR);
    }
    vdiMap[vdiRef] = srRef;
    const host = performingHost(call, vmRef, Object.values(vdiMap));
    const req: MigrationRequest = { vm: vmRef, dest: migrateReceive(call, host, managementNetwork(call, host)), live: true, vdiMap, vifMap: {}, options: {} };
    const check = assertCanMigrate(call, req);
    await runMigration(call, planMigration(call, req, check));
    return String(db.get('VBD', vbd).VDI);
  });
}

export function installVdiMigrateApi(api: ApiRegistry): void {
  api.register('VDI.pool_migrate', (call, vdi: string, sr: string) => vdiPoolMigrate(call, vdi, sr));
}
