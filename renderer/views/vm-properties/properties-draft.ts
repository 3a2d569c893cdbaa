/**
 * What the VM Properties dialog edits, as one draft: taken from the VM when the dialog opens, checked
 * before OK (a reason per field), and turned on OK into the XAPI calls for the fields that changed only
 * (XenCenter's PropertiesDialog: each page reports HasChanged and saves its own fields).
 */
import type { VMRecord } from '../../../shared/xapi/generated/records';
import { cpuProblems, cpuSettingsOf, cpuSteps, type CpuSettings, type XapiStep } from './cpu-plan';

/** HVM boot devices, by the letter XAPI keeps in HVM_boot_params.order. */
export const BOOT_DEVICES = { c: 'Hard disk', d: 'DVD drive', n: 'Network' } as const;
export type BootDevice = keyof typeof BOOT_DEVICES;
export interface BootEntry {
  device: BootDevice;
  enabled: boolean;
}

export type BootDraft = { kind: 'hvm'; order: BootEntry[] } | { kind: 'pv'; args: string } | { kind: 'uefi' };

export interface PropertiesDraft {
  name: string;
  description: string;
  tags: string[];
  cpu: CpuSettings;
  boot: BootDraft;
  /** Home server: a host ref, or OpaqueRef:NULL for none. */
  affinity: string;
  /** Container management (xscontainer registration); undefined when the VM cannot be monitored. */
  containers?: boolean;
}

/** XAPI's null reference: no home server. */
export const NULL_REF = 'OpaqueRef:NULL';

export type PageId = 'general' | 'cpu' | 'boot' | 'home' | 'containers';
export type Problems = Partial<Record<PageId, Record<string, string>>>;

export const isHvm = (vm: Pick<VMRecord, 'HVM_boot_policy'>): boolean => vm.HVM_boot_policy !== '';

/** The enabled devices in XAPI's order string ("cd"), then the others, disabled. */
export function bootOrderOf(order: string | undefined): BootEntry[] {
  const seen = [...new Set((order ?? 'cd').toLowerCase().split(''))].filter((d): d is BootDevice => d in BOOT_DEVICES);
  const rest = (Object.keys(BOOT_DEVICES) as BootDevice[]).filter((d) => !seen.includes(d));
  return [...seen.map((device) => ({ device, enabled: true })), ...rest.map((device) => ({ device, enabled: false }))];
}

export const bootOrderString = (order: readonly BootEntry[]): string => order.filter((e) => e.enabled).map((e) => e.device).join('');

function bootDraftOf(vm: VMRecord): BootDraft {
  if (!isHvm(vm)) return { kind: 'pv', args: vm.PV_args ?? '' };
  // UEFI firmware keeps its own boot order (the guest's NVRAM); HVM_boot_params.order only drives BIOS boot.
  if (vm.HVM_boot_params?.firmware === 'uefi') return { kind: 'uefi' };
  return { kind: 'hvm', order: bootOrderOf(vm.HVM_boot_params?.order) };
}

/** `monitorable`: xscontainer can monitor the VM (other_config has xscontainer-monitor, a Linux guest). */
export function draftOf(vm: VMRecord, monitorable: boolean): PropertiesDraft {
  return {
    name: vm.name_label,
    description: vm.name_description,
    tags: [...vm.tags],
    cpu: cpuSettingsOf(vm),
    boot: bootDraftOf(vm),
    affinity: vm.affinity || NULL_REF,
    containers: monitorable ? vm.other_config?.['xscontainer-monitor']?.toLowerCase() === 'true' : undefined,
  };
}

export interface CheckContext {
  /** The most vCPUs the VM may get (template restriction, largest server). */
  vcpuCeiling: number;
  /** Hosts of the pool by ref. */
  hosts: ReadonlySet<string>;
}

/** Why OK cannot be pressed, by page and field; an empty object when everything is valid. */
export function draftProblems(draft: PropertiesDraft, vm: VMRecord, ctx: CheckContext): Problems {
  const out: Problems = {};
  if (!draft.name.trim()) out.general = { name: 'A VM needs a name.' };
  const cpu = cpuProblems(draft.cpu, vm, ctx.vcpuCeiling);
  if (Object.keys(cpu).length) out.cpu = cpu as Record<string, string>;
  if (draft.boot.kind === 'hvm' && !draft.boot.order.some((e) => e.enabled)) out.boot = { order: 'Pick at least one device to boot from.' };
  if (draft.affinity !== NULL_REF && !ctx.hosts.has(draft.affinity)) out.home = { affinity: 'That server is no longer in the pool: pick another one, or none.' };
  return out;
}

export const hasProblems = (p: Problems): boolean => Object.keys(p).length > 0;

/**
 * The draft to write against the VM as it is now: the fields the user left as they were when the dialog
 * opened take the VM's current values, so a change another client made meanwhile is not written back.
 */
export function rebaseDraft(draft: PropertiesDraft, opened: PropertiesDraft, current: PropertiesDraft): PropertiesDraft {
  const out = { ...draft } as Record<keyof PropertiesDraft, unknown>;
  for (const key of Object.keys(draft) as (keyof PropertiesDraft)[]) {
    if (JSON.stringify(draft[key]) === JSON.stringify(opened[key])) out[key] = current[key];
  }
  return out as unknown as PropertiesDraft;
}

export interface PropertiesStep extends XapiStep {
  page: PageId;
}

const sameTags = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((t) => b.includes(t));

/**
 * The calls for what the draft changes, in page order. `registration` builds the xscontainer
 * register/deregister call (plugin-calls.ts), the same one XenCenter's Container Management page makes.
 */
export function propertiesSteps(vmRef: string, vm: VMRecord, draft: PropertiesDraft, registration: (on: boolean) => XapiStep | undefined): PropertiesStep[] {
  const steps: PropertiesStep[] = [];
  const add = (page: PageId, ...s: XapiStep[]) => steps.push(...s.map((x) => ({ ...x, page })));
  if (draft.name.trim() !== vm.name_label) add('general', { method: 'VM.set_name_label', params: [vmRef, draft.name.trim()] });
  if (draft.description !== vm.name_description) add('general', { method: 'VM.set_name_description', params: [vmRef, draft.description] });
  if (!sameTags(draft.tags, vm.tags)) {
    for (const t of vm.tags) if (!draft.tags.includes(t)) add('general', { method: 'VM.remove_tags', params: [vmRef, t] });
    for (const t of draft.tags) if (!vm.tags.includes(t)) add('general', { method: 'VM.add_tags', params: [vmRef, t] });
  }
  add('cpu', ...cpuSteps(vmRef, vm, draft.cpu));
  const boot = bootDraftOf(vm);
  if (draft.boot.kind === 'hvm' && boot.kind === 'hvm' && bootOrderString(draft.boot.order) !== bootOrderString(boot.order)) {
    add('boot', { method: 'VM.set_HVM_boot_params', params: [vmRef, { ...vm.HVM_boot_params, order: bootOrderString(draft.boot.order) }] });
  }
  if (draft.boot.kind === 'pv' && draft.boot.args !== (vm.PV_args ?? '')) add('boot', { method: 'VM.set_PV_args', params: [vmRef, draft.boot.args] });
  if (draft.affinity !== (vm.affinity || NULL_REF)) add('home', { method: 'VM.set_affinity', params: [vmRef, draft.affinity] });
  const registered = vm.other_config?.['xscontainer-monitor']?.toLowerCase() === 'true';
  if (draft.containers !== undefined && draft.containers !== registered) {
    const call = registration(draft.containers);
    if (call) add('containers', call);
  }
  return steps;
}
