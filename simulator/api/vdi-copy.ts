/**
 * VDI.copy as xapi's Xapi_vdi.copy: a full copy of a disk onto an SR (a new VDI with the source's name,
 * size, type and configuration), or into an existing VDI (`into_vdi`, which must be writable and large
 * enough); `base_vdi` asks for the changed blocks only. Clients send 3 arguments after the session
 * (XenCenter's Move VM / Move virtual disk: vdi, sr), 4 (with base_vdi) or 5. The data streams at storage
 * speed on simulated time; a cancelled or failed copy destroys the VDI it created.
 */
import type { ApiRegistry } from '../rpc/api-registry';
import type { CallContext } from '../rpc/call-context';
import { NULL_REF } from '../db/object-db';
import { XapiError } from '../xapi-error';
import { runTransfer, TRANSFER_RATES } from './migration-transfer';
import { chargeSr, srFreeBytes, VDI_ALLOWED_OPERATIONS } from './storage';
import { createVdi, destroyVdi } from './vm-snapshot';
import { copyContent } from './vdi-content';
import { withCurrentOperation } from './current-operations';

function valid(call: CallContext, ref: string | undefined): ref is string {
  return !!ref && ref !== NULL_REF && call.db.has('VDI', ref);
}

async function copy(call: CallContext, vdiRef: string, srRef: string, baseVdi?: string, intoVdi?: string): Promise<string> {
  const db = call.db;
  const src = db.get('VDI', vdiRef);
  if (!src.managed) throw new XapiError('VDI_NOT_MANAGED', [vdiRef]);
  const into = valid(call, intoVdi) ? intoVdi : undefined;
  if (!into) db.get('SR', srRef);
  const base = valid(call, baseVdi) ? baseVdi : undefined;
  // The source lists `copy` meanwhile, as xapi's with_sr_andor_vdi.
  return withCurrentOperation(call, 'VDI', vdiRef, 'copy', async () => {
    let created: string | undefined;
    try {
      if (!into) {
        const needed = Number(src.physical_utilisation) || Number(src.virtual_size);
        const free = srFreeBytes(db, srRef);
        if (needed > free) throw new XapiError('SR_FULL', [needed, free]);
        // CA-64962: the copy is always writable, even of a read-only source (an ISO).
        created = createVdi(call.pool, {
          name_label: src.name_label, name_description: src.name_description, SR: srRef, virtual_size: src.virtual_size, type: src.type,
          sharable: src.sharable, read_only: false, other_config: src.other_config, xenstore_data: src.xenstore_data, sm_config: {}, tags: src.tags,
          on_boot: src.on_boot, allow_caching: src.allow_caching, managed: true, physical_utilisation: 0, allowed_operations: VDI_ALLOWED_OPERATIONS,
        });
      }
      const dst = db.get('VDI', into ?? created!);
      if (dst.read_only) throw new XapiError('VDI_READONLY', [into ?? created!]);
      if (Number(dst.virtual_size) < Number(src.virtual_size)) throw new XapiError('VDI_TOO_SMALL', [into ?? created!, Number(src.virtual_size)]);
      // With a base, only the blocks that differ from it travel (the base is a snapshot of the same disk).
      const full = Number(src.physical_utilisation) || Number(src.virtual_size);
      const bytes = base ? Math.max(0, full - Number(db.get('VDI', base).physical_utilisation)) : full;
      await runTransfer(call, [{ bytes, bytesPerSecond: TRANSFER_RATES.diskBytesPerSecond }]);
      const target = into ?? created!;
      if (created) {
        db.update('VDI', target, { physical_utilisation: Number(src.physical_utilisation) });
        chargeSr(db, String(dst.SR), Number(src.physical_utilisation), 0);
      }
      copyContent(db, vdiRef, db, target);
      return target;
    } catch (err) {
      if (created) destroyVdi(call.pool, created);
      throw err;
    }
  });
}

export function installVdiCopyApi(api: ApiRegistry): void {
  api.register('VDI.copy', (call, vdi: string, sr: string, baseVdi?: string, intoVdi?: string) => copy(call, vdi, sr, baseVdi, intoVdi));
}
