/**
 * Where a VM stands with xscontainer, from its record and the pool's messages (what XenCenter and XO read):
 * - no `xscontainer-monitor` key: the VM was never prepared; container management is not offered;
 * - the key is not "true" (xscontainer writes "True"/"False"): monitoring is off;
 * - on, but the VM is not running: xscontainer has removed docker_ps/info/version (it monitors running VMs only);
 * - on and running, docker_ps present: monitored;
 * - on and running without docker_ps: the monitor is connecting (it takes a few seconds after boot) or cannot
 *   reach Docker; after two minutes of failing it posts the alert "Container Management cannot monitor VM"
 *   on the VM with the reason (no IP / SSH, key not installed, no Docker socket), which goes when it works.
 */
export const XSCONTAINER_MONITOR_KEY = 'xscontainer-monitor';
export const XSCONTAINER_ALERT_NAME = 'Container Management cannot monitor VM';

export type ContainerMonitoring =
  | { kind: 'not-prepared' }
  | { kind: 'off' }
  | { kind: 'vm-not-running' }
  | { kind: 'monitored' }
  | { kind: 'connecting' }
  | { kind: 'unreachable'; reason: string; since: string };

export interface MonitoredVmFields { uuid: string; power_state: string; other_config: Record<string, string> }
export interface MessageFields { name: string; obj_uuid: string; body: string; timestamp: string }

export function containerMonitoring(vm: MonitoredVmFields, messages: Iterable<MessageFields> = []): ContainerMonitoring {
  const key = vm.other_config[XSCONTAINER_MONITOR_KEY];
  if (key === undefined) return { kind: 'not-prepared' };
  if (key.toLowerCase() !== 'true') return { kind: 'off' };
  if (vm.power_state !== 'Running') return { kind: 'vm-not-running' };
  if (typeof vm.other_config.docker_ps === 'string') return { kind: 'monitored' };
  let alert: MessageFields | undefined;
  for (const m of messages) if (m.name === XSCONTAINER_ALERT_NAME && m.obj_uuid === vm.uuid && (!alert || m.timestamp > alert.timestamp)) alert = m;
  return alert ? { kind: 'unreachable', reason: alert.body, since: alert.timestamp } : { kind: 'connecting' };
}
