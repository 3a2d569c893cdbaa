/**
 * Storage bookkeeping shared by scenarios, copies, snapshots and disk operations. SR space accounting: every VDI created, grown or destroyed changes its SR's physical_utilisation
 * (bytes really used) and virtual_allocation (sum of virtual sizes), as xapi reports after an SR scan.
 * One place so scenarios, copies, snapshots and disk operations cannot drift apart.
 */
import type { ObjectDb } from '../db/object-db';

export function chargeSr(db: ObjectDb, srRef: string, physicalBytes: number, virtualBytes: number): void {
  if (!db.has('SR', srRef)) return;
  const sr = db.get('SR', srRef);
  db.update('SR', srRef, {
    physical_utilisation: Math.max(0, Number(sr.physical_utilisation) + physicalBytes),
    virtual_allocation: Math.max(0, Number(sr.virtual_allocation) + virtualBytes),
  });
}

/** Bytes still free on an SR (physical_size minus what is used). */
export function srFreeBytes(db: ObjectDb, srRef: string): number {
  const sr = db.get('SR', srRef);
  return Number(sr.physical_size) - Number(sr.physical_utilisation);
}

/** What xapi allows on an idle, unattached VDI of a VHD/LVM SR. */
export const VDI_ALLOWED_OPERATIONS = ['clone', 'destroy', 'resize', 'update', 'copy', 'snapshot', 'generate_config', 'force_unlock', 'mirror',
  'enable_cbt', 'disable_cbt', 'data_destroy', 'list_changed_blocks', 'set_on_boot'];
