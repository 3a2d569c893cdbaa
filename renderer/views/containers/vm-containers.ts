/**
 * A VM's Docker containers as the renderer knows them: xscontainer's dom0 monitor writes the guest's
 * `docker ps -a` into the VM's other_config["docker_ps"] (XML), and every view reads the list from there
 * (XenCenter's DockerContainers.cs does the same). The XML is untrusted input: it is parsed by the shared
 * parser, which never throws, and a document that cannot be read is a value ("unreadable", with its error)
 * that this VM's row and General tab show; no other VM, view or the app is affected.
 *
 * Parsing is cached by the docker_ps text, so a VM record that changes in other fields (memory, current
 * operations: thousands a second on a big pool) never parses its containers again.
 */
import { containerMonitoring, parseDockerPs, type ContainerMonitoring, type DockerContainer, type XscontainerDataError } from '../../../shared/api-client/xscontainer';
import type { MessageRecord, VMGuestMetricsRecord, VMRecord } from '../../../shared/xapi/generated/records';
import type { ConnectionMirror } from '../../store/apply-batch';
import type { MirrorState } from '../../store/mirror-store';
import { isNullRef, type ContainerTarget } from '../../store/object-id';

export type { DockerContainer } from '../../../shared/api-client/xscontainer';

/** What docker_ps says about a VM: nothing (no key), its containers, or why it could not be read. */
export type VmDockerPs =
  | { kind: 'absent' }
  | { kind: 'listed'; containers: readonly DockerContainer[]; byId: ReadonlyMap<string, DockerContainer> }
  | { kind: 'unreadable'; error: XscontainerDataError };

const ABSENT: VmDockerPs = { kind: 'absent' };

/** VMs that have containers: not templates, snapshots (a snapshot copies other_config) or control domains (XenCenter's IsRealVm). */
export function isRealVm(vm: Pick<VMRecord, 'is_a_template' | 'is_a_snapshot' | 'is_control_domain'>): boolean {
  return !vm.is_a_template && !vm.is_a_snapshot && !vm.is_control_domain;
}

// Parses by docker_ps text. Bounded: a pool's monitored VMs are a few thousand; past that the cache starts over.
const MAX_CACHED_TEXTS = 8192;
let byText = new Map<string, VmDockerPs>();
const byRecord = new WeakMap<VMRecord, VmDockerPs>();

function parse(text: string): VmDockerPs {
  let result = byText.get(text);
  if (result) return result;
  const parsed = parseDockerPs(text);
  result = parsed.ok ? { kind: 'listed', containers: parsed.value, byId: new Map(parsed.value.map((c) => [c.id, c])) } : { kind: 'unreadable', error: parsed.error };
  if (byText.size >= MAX_CACHED_TEXTS) byText = new Map();
  byText.set(text, result);
  return result;
}

/** The VM's docker_ps, parsed (the same object for as long as the text is the same). */
export function vmDockerPs(vm: VMRecord): VmDockerPs {
  const cached = byRecord.get(vm);
  if (cached) return cached;
  const text = isRealVm(vm) ? vm.other_config?.docker_ps : undefined;
  const result = typeof text === 'string' ? parse(text) : ABSENT;
  byRecord.set(vm, result);
  return result;
}

/** The VM's containers (none when docker_ps is absent or unreadable). */
export function vmContainers(vm: VMRecord): readonly DockerContainer[] {
  const ps = vmDockerPs(vm);
  return ps.kind === 'listed' ? ps.containers : [];
}

/** The alerts about a VM (for xscontainer's "cannot monitor" alert), from the mirror's index (the tree's source has only this one). */
export function vmMessages(mirror: Pick<ConnectionMirror, 'objects' | 'indexes'>, vm: VMRecord): MessageRecord[] {
  const refs = mirror.indexes.alertsByObject?.get(vm.uuid);
  if (!refs?.length) return [];
  const messages = mirror.objects.message;
  return refs.flatMap((ref) => {
    const m = messages?.get(ref);
    return m ? [m] : [];
  });
}

/**
 * Where the VM stands with xscontainer (not prepared, off, monitored, connecting, Docker unreachable…).
 * `withoutMessages`: from the record alone, where "connecting" may turn out to be "unreachable".
 */
export function vmMonitoring(mirror: Pick<ConnectionMirror, 'objects' | 'indexes'>, vm: VMRecord, options: { withoutMessages?: boolean } = {}): ContainerMonitoring {
  const fields = { uuid: vm.uuid, power_state: vm.power_state, other_config: vm.other_config ?? {} };
  const state = containerMonitoring(fields);
  // Messages are read only in the one case they decide (monitoring on, VM running, no docker_ps yet).
  return state.kind === 'connecting' && !options.withoutMessages ? containerMonitoring(fields, vmMessages(mirror, vm)) : state;
}

/** Linux distributions XenCenter treats as not Windows, as the guest agent reports them (VM.LinuxDistros). */
const LINUX_DISTROS = new Set(['debian', 'rhel', 'fedora', 'centos', 'scientific', 'oracle', 'sles', 'lsb', 'boot2docker', 'freebsd', 'ubuntu', 'neokylin', 'gooroom', 'rocky']);

/**
 * Whether the VM is a Windows guest, as XenCenter decides (VM.IsWindows): a Linux distribution reported by
 * the guest agent says no; otherwise an HVM guest with the viridian platform flag is taken for Windows. A
 * reported "windows" distro says yes.
 */
export function isWindowsVm(vm: Pick<VMRecord, 'HVM_boot_policy' | 'platform'>, guestMetrics?: Pick<VMGuestMetricsRecord, 'os_version'>): boolean {
  const os = guestMetrics?.os_version ?? {};
  const distro = os.distro?.toLowerCase();
  if (distro && LINUX_DISTROS.has(distro)) return false;
  if (os.uname?.toLowerCase().includes('netscaler')) return false;
  if (distro === 'windows' || /windows/i.test(os.name ?? '')) return true;
  return Boolean(vm.HVM_boot_policy) && vm.platform?.viridian === 'true';
}

/** isWindowsVm with the VM's guest metrics looked up in the mirror. */
export function isWindowsVmIn(mirror: Pick<ConnectionMirror, 'objects'> | undefined, vm: VMRecord): boolean {
  const gm = isNullRef(vm.guest_metrics) ? undefined : mirror?.objects.VM_guest_metrics?.get(vm.guest_metrics);
  return isWindowsVm(vm, gm);
}

/**
 * Whether container management can be switched for the VM (XenCenter shows the Container Management page
 * when VM.CanBeEnlightened): xscontainer prepared it (other_config has xscontainer-monitor, "True" or
 * "False"), and it is a real Linux VM (the monitor reaches Docker over SSH).
 */
export function isMonitorable(mirror: Pick<ConnectionMirror, 'objects'> | undefined, vm: VMRecord): boolean {
  return isRealVm(vm) && vm.other_config?.['xscontainer-monitor'] !== undefined && !isWindowsVmIn(mirror, vm);
}

export interface ResolvedContainer {
  target: ContainerTarget;
  vm: VMRecord;
  container: DockerContainer;
}

/** The container a target names, with its VM, if both still exist (a container goes when docker_ps drops it). */
export function resolveContainer(state: Pick<MirrorState, 'mirrors'>, target: ContainerTarget): ResolvedContainer | undefined {
  const vm = state.mirrors[target.connectionId]?.objects.VM?.get(target.vmRef);
  if (!vm) return undefined;
  const ps = vmDockerPs(vm);
  const container = ps.kind === 'listed' ? ps.byId.get(target.containerId) : undefined;
  return container ? { target, vm, container } : undefined;
}

/** A container target's name for a task or a message ("prometheus on monitoring"); its id once it is gone. */
export function containerTargetName(state: Pick<MirrorState, 'mirrors'>, target: ContainerTarget): string {
  const r = resolveContainer(state, target);
  return r ? `${displayName(r.container)} on ${r.vm.name_label}` : target.containerId.slice(0, 12);
}

/** The containers of a selection (other targets left out), with their VMs. */
export function selectedContainers(targets: readonly { kind: string }[], state: Pick<MirrorState, 'mirrors'>): ResolvedContainer[] {
  const out: ResolvedContainer[] = [];
  for (const t of targets) {
    if (t.kind !== 'container') continue;
    const r = resolveContainer(state, t as ContainerTarget);
    if (r) out.push(r);
  }
  return out;
}

/** The words a container's state is read as ("running", "exited with code 1"). */
export function containerStateWords(c: Pick<DockerContainer, 'state' | 'exitCode'>): string {
  switch (c.state) {
    case 'running':
      return 'running';
    case 'paused':
      return 'paused';
    case 'restarting':
      return 'restarting';
    case 'exited':
      return c.exitCode !== undefined ? `exited with code ${c.exitCode}` : 'exited';
    case 'created':
      return 'created, never started';
    case 'removing':
      return 'being removed';
    case 'dead':
      return 'dead';
    default:
      return 'in an unknown state';
  }
}

/** A name fit for a row or a title: untrusted text from the guest, cut to a sane length. */
export function displayName(c: Pick<DockerContainer, 'name' | 'shortId'>): string {
  const name = c.name || c.shortId;
  return name.length > 200 ? `${name.slice(0, 200)}…` : name;
}
