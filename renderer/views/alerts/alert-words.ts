/**
 * XAPI messages as XenCenter shows alerts: priority 1 (data loss imminent) to 5 (information), a title
 * from the message name, and for performance ALARMs the measured value against the trigger level read
 * from the body (`<value>0.93</value><config><variable><name value="cpu_usage"/><alarm_trigger_level value="0.9"/>`).
 */
import type { MessageRecord } from '../../../shared/xapi/generated/records';

export const PRIORITIES = [
  { value: 1, label: 'Critical' },
  { value: 2, label: 'Major' },
  { value: 3, label: 'Warning' },
  { value: 4, label: 'Minor' },
  { value: 5, label: 'Information' },
] as const;

export function priorityLabel(priority: number): string {
  return PRIORITIES.find((p) => p.value === priority)?.label ?? (priority <= 1 ? 'Critical' : 'Information');
}

const ALARM_NAMES: Record<string, string> = {
  cpu_usage: 'CPU usage',
  memory_free_kib: 'Free memory',
  physical_utilisation: 'Storage use',
  network_usage: 'Network usage',
  disk_usage: 'Disk usage',
  fs_usage: 'Filesystem usage',
  log_fs_usage: 'Log filesystem usage',
  mem_usage: 'Memory usage',
};

/** Names that do not read well word by word. */
const TITLES: Record<string, string> = { VM_SHUTDOWN: 'VM shut down', HOST_SHUTDOWN: 'Host shut down' };

const ACRONYMS = new Set(['vm', 'vms', 'vmss', 'sr', 'ha', 'pbd', 'vdi', 'vbd', 'vif', 'pif', 'ntp', 'cpu', 'ip', 'dns', 'tls', 'ssl', 'wlb', 'pvs', 'gpu', 'usb', 'iscsi', 'nfs']);

function percent(v: string | undefined): string | undefined {
  const n = Number(v);
  return v !== undefined && Number.isFinite(n) ? `${Math.round(n * 100)}%` : undefined;
}

/** "CPU usage is 93% (alarm at 90%)" for ALARMs; the message name in words otherwise. */
export function alertTitle(m: Pick<MessageRecord, 'name' | 'body'>): string {
  if (m.name === 'ALARM') {
    const variable = /<name\s+value="([^"]+)"/.exec(m.body)?.[1];
    const value = percent(/<value>([^<]+)<\/value>/.exec(m.body)?.[1]);
    const trigger = percent(/<alarm_trigger_level\s+value="([^"]+)"/.exec(m.body)?.[1]);
    const what = (variable && ALARM_NAMES[variable]) ?? variable ?? 'A measurement';
    // Free memory alarms fire when the value falls below the level (in KiB on real hosts): no percentages.
    if (variable === 'memory_free_kib') return 'Free memory is low';
    return `${what}${value ? ` is ${value}` : ' crossed its alarm level'}${trigger ? ` (alarm at ${trigger})` : ''}`;
  }
  if (TITLES[m.name]) return TITLES[m.name];
  const words = m.name
    .toLowerCase()
    .split('_')
    .map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w))
    .join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The body worth showing: none for ALARMs (their XML is in the title), the text otherwise, never raw XML. */
export function alertDetail(m: Pick<MessageRecord, 'name' | 'body'>): string {
  if (m.name === 'ALARM') return '';
  const body = m.body.trim();
  if (!body.startsWith('<')) return body;
  // Some messages carry XML (values and settings as elements and attributes): their text and values, in order.
  const words = body
    .replace(/<[^>]*?\bvalue="([^"]*)"[^>]*>/g, ' $1 ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return words;
}

export interface AlertFilter {
  /** Show priorities up to this one (1 = critical only, 5 = all). */
  maxPriority: number;
  /** Connection id, or '' for all pools. */
  pool: string;
  text: string;
}

export function matchesFilter(f: AlertFilter, a: { priority: number; connectionId: string; title: string; detail: string; objectName: string; name: string }): boolean {
  if (a.priority > f.maxPriority) return false;
  if (f.pool && a.connectionId !== f.pool) return false;
  const needle = f.text.trim().toLowerCase();
  if (!needle) return true;
  return [a.title, a.detail, a.objectName, a.name].some((s) => s.toLowerCase().includes(needle));
}
