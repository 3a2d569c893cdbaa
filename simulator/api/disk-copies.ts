/**
 * The disks a migration writes on its destination SRs. Each appears when its copy completes (a new VDI,
 * new uuid, same data), as the storage mirror leaves it in the destination pool; if the migration fails or
 * is cancelled, every copy made so far is destroyed again, so nothing is left half-moved.
 */
import type { PoolSim } from '../core';
import { NULL_REF } from '../db/object-db';
import { translateRecord } from './foreign-record';
import { createVdi, destroyVdi } from './vm-snapshot';
import { copyContent } from './vdi-content';

export class DiskCopies {
  /** Source VDI → its copy in the destination pool. */
  readonly created = new Map<string, string>();

  constructor(readonly source: PoolSim, readonly dest: PoolSim) {}

  write(vdi: string, sr: string): string {
    const rec = this.source.db.get('VDI', vdi);
    const fields = translateRecord('VDI', rec, () => undefined);
    const copy = createVdi(this.dest, {
      ...fields, uuid: undefined, SR: sr, location: this.dest.db.newUuid(), current_operations: {}, sm_config: {}, snapshot_of: NULL_REF,
      read_only: rec.type === 'suspend' ? false : rec.read_only,
    });
    copyContent(this.source.db, vdi, this.dest.db, copy);
    this.created.set(vdi, copy);
    return copy;
  }

  /**
   * Rebuilds the snapshot links among the copies (xapi's update_snapshot_info): a copied snapshot disk
   * points at its parent's copy; a snapshot disk that stayed points at its moved parent's copy.
   */
  linkSnapshots(stayingSnapshots: string[] = []): void {
    const { db } = this.dest;
    for (const [from, to] of this.created) {
      const parent = String(this.source.db.get('VDI', from).snapshot_of);
      const newParent = this.created.get(parent);
      if (newParent) db.update('VDI', to, { snapshot_of: newParent, sm_config: { 'vhd-parent': String(db.get('VDI', newParent).uuid) } });
    }
    for (const vdi of stayingSnapshots) {
      const newParent = this.created.get(String(db.get('VDI', vdi).snapshot_of));
      if (newParent) db.update('VDI', vdi, { snapshot_of: newParent });
    }
  }

  discard(): void {
    for (const copy of this.created.values()) destroyVdi(this.dest, copy);
    this.created.clear();
  }
}
