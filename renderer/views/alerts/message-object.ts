/** The object a XAPI message is about, by name (looked up by uuid in the pool's mirror): one answer for the Alerts panel and the Logs tab. */
import type { MessageRecord } from '../../../shared/xapi/generated/records';
import type { ClassMap, ConnectionMirror, IndexName } from '../../store';
import { objectLabel } from '../../store/object-labels';

const BY_CLASS: Partial<Record<MessageRecord['cls'], { index: IndexName; cls: 'VM' | 'host' | 'SR' | 'pool' | 'VDI' }>> = {
  VM: { index: 'vmByUuid', cls: 'VM' },
  Host: { index: 'hostByUuid', cls: 'host' },
  SR: { index: 'srByUuid', cls: 'SR' },
  Pool: { index: 'poolByUuid', cls: 'pool' },
  VDI: { index: 'vdiByUuid', cls: 'VDI' },
};

export function messageObjectName(mirror: ConnectionMirror | undefined, m: Pick<MessageRecord, 'cls' | 'obj_uuid'>): string {
  const how = BY_CLASS[m.cls];
  if (mirror && how) {
    const ref = mirror.indexes[how.index].get(m.obj_uuid)?.[0];
    const record = ref ? (mirror.objects[how.cls] as ClassMap<typeof how.cls> | undefined)?.get(ref) : undefined;
    // "Local storage" alone would not say which host's: a repeated SR name says where it lives.
    if (record) return (how.cls === 'SR' && ref ? objectLabel(mirror, 'SR', ref) : undefined) ?? (record.name_label || m.cls);
  }
  if (mirror && m.cls === 'VMSS') {
    for (const s of (mirror.objects.VMSS as ClassMap<'VMSS'> | undefined)?.values() ?? []) if (s.uuid === m.obj_uuid) return s.name_label;
  }
  return m.obj_uuid ? `${m.cls} ${m.obj_uuid.slice(0, 8)}` : m.cls;
}
