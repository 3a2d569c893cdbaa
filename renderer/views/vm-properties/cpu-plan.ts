/**
 * vCPU changes as XAPI takes them. A halted VM takes VCPUs_max, VCPUs_at_startup and the topology
 * (platform "cores-per-socket", which must divide VCPUs_max); at every step VCPUs_at_startup may not
 * exceed VCPUs_max, so the calls are ordered to keep that true. A running VM only takes a new current
 * count, live (VM.set_VCPUs_number_live, 1 to VCPUs_max), when the pool allows changing_VCPUs_live.
 */
import type { VMRecord } from '../../../shared/xapi/generated/records';

export interface CpuSettings {
  max: number;
  atStartup: number;
  coresPerSocket: number;
}

export interface XapiStep {
  method: string;
  params: unknown[];
}

export const coresPerSocketOf = (vm: Pick<VMRecord, 'platform'>): number => Math.max(1, Number(vm.platform?.['cores-per-socket']) || 1);

export const cpuSettingsOf = (vm: Pick<VMRecord, 'VCPUs_max' | 'VCPUs_at_startup' | 'platform'>): CpuSettings => ({ max: vm.VCPUs_max, atStartup: vm.VCPUs_at_startup, coresPerSocket: coresPerSocketOf(vm) });

export type CpuMode = 'halted' | 'live' | 'locked';

/** What may change now: everything (halted), the current count (running, hot-plug allowed), or nothing. */
export function cpuMode(vm: Pick<VMRecord, 'power_state' | 'allowed_operations'>): CpuMode {
  if (vm.power_state === 'Halted') return 'halted';
  return vm.power_state === 'Running' && vm.allowed_operations.includes('changing_VCPUs_live') ? 'live' : 'locked';
}

/** Why the settings cannot be written (one sentence per field), empty when they can. `ceiling`: the pool's and template's limit. */
export function cpuProblems(s: CpuSettings, vm: Pick<VMRecord, 'VCPUs_max' | 'power_state' | 'allowed_operations'>, ceiling: number): Partial<Record<keyof CpuSettings, string>> {
  const out: Partial<Record<keyof CpuSettings, string>> = {};
  const mode = cpuMode(vm);
  const whole = (n: number) => Number.isInteger(n) && n > 0;
  if (mode === 'halted') {
    if (!whole(s.max) || s.max > ceiling) out.max = `The maximum must be a whole number from 1 to ${ceiling} (the template's limit and the pool's largest server).`;
    if (!whole(s.atStartup) || s.atStartup > (whole(s.max) ? s.max : ceiling)) out.atStartup = `vCPUs at startup must be a whole number from 1 to the maximum (${whole(s.max) ? s.max : ceiling}).`;
    else if (whole(s.max) && s.max % s.coresPerSocket !== 0) out.coresPerSocket = `${s.coresPerSocket} cores per socket does not divide ${s.max} vCPUs: pick a topology that does.`;
  } else if (mode === 'live') {
    if (!whole(s.atStartup) || s.atStartup > vm.VCPUs_max) out.atStartup = `A running VM can have 1 to ${vm.VCPUs_max} vCPUs (its maximum). Shut it down to raise the maximum.`;
  }
  return out;
}

/** The calls that take the VM from its settings to `s`, only for what changed. */
export function cpuSteps(vmRef: string, vm: Pick<VMRecord, 'VCPUs_max' | 'VCPUs_at_startup' | 'platform' | 'power_state' | 'allowed_operations'>, s: CpuSettings): XapiStep[] {
  const mode = cpuMode(vm);
  if (mode === 'locked') return [];
  if (mode === 'live') return s.atStartup !== vm.VCPUs_at_startup ? [{ method: 'VM.set_VCPUs_number_live', params: [vmRef, s.atStartup] }] : [];
  const steps: XapiStep[] = [];
  const setMax = s.max !== vm.VCPUs_max ? { method: 'VM.set_VCPUs_max', params: [vmRef, s.max] } : undefined;
  const setStartup = s.atStartup !== vm.VCPUs_at_startup ? { method: 'VM.set_VCPUs_at_startup', params: [vmRef, s.atStartup] } : undefined;
  // A new startup count within the old maximum goes first (then the maximum may drop to it); above it, the maximum rises first.
  const order = s.atStartup <= vm.VCPUs_max ? [setStartup, setMax] : [setMax, setStartup];
  for (const step of order) if (step) steps.push(step);
  if (s.coresPerSocket !== coresPerSocketOf(vm)) {
    steps.push({ method: 'VM.remove_from_platform', params: [vmRef, 'cores-per-socket'] });
    if (s.coresPerSocket > 1) steps.push({ method: 'VM.add_to_platform', params: [vmRef, 'cores-per-socket', String(s.coresPerSocket)] });
  }
  return steps;
}
