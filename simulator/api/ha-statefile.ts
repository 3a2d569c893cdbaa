/**
 * The HA heartbeat SR (xapi xha_statefile.ml, xha_metadata_vdi.ml): which SRs can hold the statefile
 * (a PBD on every host, all plugged, a driver that can attach a VDI offline, room for the statefile and
 * the redo log), and the two VDIs enable_ha creates there or reuses: "Statefile for HA" (type
 * ha_statefile) and "Metadata for HA" (type redo_log, the pool database's redo log for master failover).
 */
import type { ObjectDb } from '../db/object-db';
import { XapiError } from '../xapi-error';
import { chargeSr, srFreeBytes, VDI_ALLOWED_OPERATIONS } from './storage';

const MiB = 1024 * 1024;
/** XenServer HA statefile format 1.3: a 4 KiB global section and 4 KiB for each of up to 64 hosts. */
export const STATEFILE_BYTES = 4096 + 64 * 4096;
/** Redo log: about 4 GB less room for a statefile and an empty SR's 4 MiB, in 4 MiB units. */
export const REDO_LOG_BYTES = (Math.floor(4_000_000_000 / (4 * MiB)) - 2) * (4 * MiB);
const roundTo4MiB = (n: number) => Math.ceil(n / (4 * MiB)) * (4 * MiB);
/** SM refuses VDIs under 4 MiB, so the room needed for both rounds each up. */
const ROOM_NEEDED = roundTo4MiB(STATEFILE_BYTES) + roundTo4MiB(REDO_LOG_BYTES);

/**
 * SR drivers whose SM record advertises VDI_GENERATE_CONFIG or VDI_ATTACH_OFFLINE (what the HA daemon needs
 * to open its VDI before xapi runs), for pools whose database has no SM records to read it from.
 */
const STATEFILE_CAPABLE_TYPES = new Set(['nfs', 'lvm', 'lvmoiscsi', 'lvmohba', 'lvmofcoe', 'ext', 'file', 'gfs2', 'smb', 'xfs', 'zfs', 'cephfs', 'glusterfs', 'moosefs', 'largeblock', 'linstor']);

function driverCanAttachOffline(db: ObjectDb, srType: string): boolean {
  for (const [, sm] of db.all('SM')) {
    if (sm.type !== srType) continue;
    const features = (sm.features ?? {}) as Record<string, unknown>;
    const capabilities = (sm.capabilities ?? []) as string[];
    return 'VDI_GENERATE_CONFIG' in features || 'VDI_ATTACH_OFFLINE' in features || capabilities.includes('VDI_GENERATE_CONFIG') || capabilities.includes('VDI_ATTACH_OFFLINE');
  }
  return STATEFILE_CAPABLE_TYPES.has(srType);
}

/** An existing VDI of the type, big enough: enable_ha reuses it rather than confuse the heartbeat daemon with a fresh one. */
function reusable(db: ObjectDb, srRef: string, type: string, minimum: number): string | undefined {
  return (db.get('SR', srRef).VDIs as string[]).find((v) => {
    const vdi = db.find('VDI', v);
    return vdi?.type === type && Number(vdi.virtual_size) >= minimum;
  });
}

/** The existing VDI, or undefined when one must be created; SR_SOURCE_SPACE_INSUFFICIENT when there is no room for it. */
function fits(db: ObjectDb, srRef: string, type: string, minimum: number): string | undefined {
  const existing = reusable(db, srRef, type, minimum);
  if (existing) return existing;
  if (srFreeBytes(db, srRef) < ROOM_NEEDED) throw new XapiError('SR_SOURCE_SPACE_INSUFFICIENT', [srRef]);
  return undefined;
}

/** xapi's check_sr_can_host_statefile: returns the statefile VDI to reuse, if any. */
function checkSrCanHostStatefile(db: ObjectDb, srRef: string): string | undefined {
  const sr = db.get('SR', srRef);
  const pbds = (sr.PBDs as string[]).map((p) => db.find('PBD', p)).filter((p) => !!p);
  const connected = new Set(pbds.map((p) => String(p!.host)));
  if (connected.size < db.count('host')) throw new XapiError('SR_HAS_NO_PBDS', [srRef]);
  if (pbds.some((p) => !p!.currently_attached)) throw new XapiError('SR_HAS_NO_PBDS', [srRef]);
  if (!driverCanAttachOffline(db, String(sr.type))) throw new XapiError('SR_OPERATION_NOT_SUPPORTED', [srRef]);
  return fits(db, srRef, 'ha_statefile', STATEFILE_BYTES);
}

/** SR.assert_can_host_ha_statefile: SR_HAS_NO_PBDS, SR_OPERATION_NOT_SUPPORTED or SR_SOURCE_SPACE_INSUFFICIENT [sr]. */
export function assertSrCanHostStatefile(db: ObjectDb, srRef: string): void {
  checkSrCanHostStatefile(db, srRef);
  fits(db, srRef, 'redo_log', REDO_LOG_BYTES);
}

export function srsThatCanHostStatefile(db: ObjectDb): string[] {
  return db.refs('SR').filter((sr) => {
    try {
      assertSrCanHostStatefile(db, sr);
      return true;
    } catch {
      return false;
    }
  });
}

function createRawVdi(db: ObjectDb, srRef: string, name: string, description: string, type: string, size: number): string {
  const ref = db.create('VDI', {
    name_label: name, name_description: description, SR: srRef, virtual_size: size, physical_utilisation: size, type, sharable: true,
    read_only: false, managed: true, missing: false, location: db.newUuid(), other_config: {}, xenstore_data: {}, sm_config: { type: 'raw' },
    on_boot: 'persist', is_a_snapshot: false, tags: [], allowed_operations: haVdiAllowedOperations(false),
  });
  chargeSr(db, srRef, size, size);
  return ref;
}

/** The statefile VDI on the SR, reused or created (Xha_statefile.find_or_create). */
export function findOrCreateStatefile(db: ObjectDb, srRef: string): string {
  return checkSrCanHostStatefile(db, srRef)
    ?? createRawVdi(db, srRef, 'Statefile for HA', 'Used for storage heartbeating', 'ha_statefile', STATEFILE_BYTES);
}

/** The redo-log VDI on the SR, reused or created (Xha_metadata_vdi.find_or_create). */
export function findOrCreateMetadataVdi(db: ObjectDb, srRef: string): string {
  return reusable(db, srRef, 'redo_log', REDO_LOG_BYTES)
    ?? createRawVdi(db, srRef, 'Metadata for HA', 'Used for master failover', 'redo_log', REDO_LOG_BYTES);
}

export const isHaVdiType = (type: unknown) => type === 'ha_statefile' || type === 'redo_log';

/** A raw sharable VDI cannot be snapshot; while HA runs on it, it cannot be destroyed, forgotten or resized either (HA_IS_ENABLED). */
export function haVdiAllowedOperations(haEnabled: boolean): string[] {
  const blocked = new Set(['snapshot', ...(haEnabled ? ['destroy', 'forget', 'resize', 'resize_online', 'data_destroy'] : [])]);
  return VDI_ALLOWED_OPERATIONS.filter((op) => !blocked.has(op));
}
