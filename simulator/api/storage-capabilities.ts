/**
 * What an SR's storage manager can do, read from its SM record (`features`, or the legacy `capabilities` of
 * databases from older hosts), and xapi's storage-migration requirement: the source SR must snapshot and
 * mirror, the destination snapshot and receive a mirror (SR_DOES_NOT_SUPPORT_MIGRATION [sr, missing]).
 */
import type { ObjectDb } from '../db/object-db';
import { XapiError } from '../xapi-error';

export function srFeatures(db: ObjectDb, srRef: string): Set<string> {
  const type = db.find('SR', srRef)?.type;
  for (const [, sm] of db.all('SM')) {
    if (sm.type !== type) continue;
    const features = Object.keys((sm.features ?? {}) as Record<string, number>);
    return new Set(features.length ? features : ((sm.capabilities ?? []) as string[]));
  }
  return new Set();
}

/** Features the SR lacks among `wanted` (VDI_MIRROR stands in for VDI_MIRROR_IN, as in xapi's Smint). */
export function missingFeatures(db: ObjectDb, srRef: string, wanted: string[]): string[] {
  const have = srFeatures(db, srRef);
  return wanted.filter((f) => !have.has(f) && !(f === 'VDI_MIRROR_IN' && have.has('VDI_MIRROR')));
}

/** Throws SR_DOES_NOT_SUPPORT_MIGRATION unless a disk can move from `source` (in `sourceDb`) to `target` (in `targetDb`). */
export function assertSrsSupportMigration(sourceDb: ObjectDb, source: string, targetDb: ObjectDb, target: string): void {
  const fromMissing = missingFeatures(sourceDb, source, ['VDI_SNAPSHOT', 'VDI_MIRROR']);
  if (fromMissing.length) throw new XapiError('SR_DOES_NOT_SUPPORT_MIGRATION', [source, fromMissing.join(';')]);
  const toMissing = missingFeatures(targetDb, target, ['VDI_SNAPSHOT', 'VDI_MIRROR_IN']);
  if (toMissing.length) throw new XapiError('SR_DOES_NOT_SUPPORT_MIGRATION', [target, toMissing.join(';')]);
}
