/** What kind of object a target is, as far as tabs and icons care (a VM record can be a VM, a template or a snapshot). */
import type { VMRecord } from '../../../shared/xapi/generated/records';
import type { Target } from '../../store/object-id';

export type ObjectKind = 'connection' | 'pool' | 'host' | 'vm' | 'template' | 'snapshot' | 'sr' | 'network' | 'container' | 'other';

export function objectKind(target: Target, record: unknown): ObjectKind {
  if (target.kind === 'connection') return 'connection';
  if (target.kind === 'container') return 'container';
  switch (target.cls) {
    case 'pool':
      return 'pool';
    case 'host':
      return 'host';
    case 'SR':
      return 'sr';
    case 'network':
      return 'network';
    case 'VM': {
      const vm = record as VMRecord | undefined;
      return vm?.is_a_snapshot ? 'snapshot' : vm?.is_a_template ? 'template' : 'vm';
    }
    default:
      return 'other';
  }
}

/** Built-in templates: is_default_template, or other_config.default_template on servers older than that field (XenCenter's test). */
export function isDefaultTemplate(vm: Pick<VMRecord, 'is_default_template' | 'other_config'>): boolean {
  return Boolean(vm.is_default_template) || vm.other_config?.default_template !== undefined;
}
