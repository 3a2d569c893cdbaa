/**
 * What the VM's General tab shows about its Docker containers (XenCenter: the "Docker information" box,
 * GeneralTabPage.GenerateDockerInfoBox, and the "Container Management" page of VM Properties, which XenDeck
 * keeps with the VM's other in-place settings on this tab):
 * - "Container management": the on/off switch (xscontainer register/deregister, a task on the pool
 *   coordinator) for Linux VMs xscontainer can monitor (other_config has xscontainer-monitor), and where
 *   monitoring stands: containers listed, connecting, Docker unreachable (xscontainer's own diagnosis), the
 *   VM not running, or a container list that cannot be read (the parser's error, with its code);
 * - "Docker": the engine's version, API version, driver… when docker_info and docker_version exist.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { parseDockerInfo, parseDockerVersion, type ContainerMonitoring } from '../../../shared/api-client/xscontainer';
import type { VMRecord } from '../../../shared/xapi/generated/records';
import { launchEach, waitForTask } from '../../actions/run-tasks';
import { useBridge } from '../../bridge-context';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PropertyList } from '../../components/PropertyList';
import { useConnectionMirror, useMirrorStoreApi } from '../../store/hooks';
import type { ObjectTarget } from '../../store/object-id';
import { formatTime } from '../tabs/format';
import { coordinatorRef, pluginTask } from './plugin-calls';
import { isRealVm, isWindowsVmIn, vmDockerPs, vmMonitoring } from './vm-containers';
import './containers.css';

type Rows = Array<[string, ReactNode]>;

function monitoringText(m: ContainerMonitoring, listed: number | undefined, running: number): ReactNode {
  switch (m.kind) {
    case 'monitored':
      return listed === undefined ? 'Monitored' : `Monitored: ${listed} ${listed === 1 ? 'container' : 'containers'}, ${running} running`;
    case 'connecting':
      return 'Connecting to Docker in the VM…';
    case 'unreachable':
      return (
        <span className="container-warning" role="status">
          Docker unreachable since {formatTime(m.since)}: {m.reason}
        </span>
      );
    case 'vm-not-running':
      return 'On: containers are listed while the VM runs.';
    case 'off':
      return 'Off';
    default:
      return 'Not prepared';
  }
}

/**
 * The switch: on = registered with xscontainer. Busy while its task runs; the plug-in writes the VM's
 * other_config before the task ends, so the record already says the new state when the switch lets go.
 */
function ManagementSwitch({ target, vm, on }: { target: ObjectTarget; vm: VMRecord; on: boolean }) {
  const bridge = useBridge();
  const store = useMirrorStoreApi();
  const [pending, setPending] = useState<boolean>();
  const busy = pending !== undefined;
  const toggle = async () => {
    const want = !on;
    const coordinator = coordinatorRef(store.getState(), target.connectionId);
    if (!coordinator) return;
    setPending(want);
    const call = pluginTask(target.connectionId, coordinator, want ? 'register' : 'deregister', { vmuuid: vm.uuid }, {
      title: want ? 'Enable container management' : 'Disable container management',
      targetName: vm.name_label,
      vmRef: target.ref,
    });
    const [task] = await launchEach(bridge, [call]);
    if (task) await waitForTask(target.connectionId, task);
    setPending(undefined);
  };
  return (
    <label className="container-switch">
      <input type="checkbox" role="switch" aria-label="Container management" checked={busy ? Boolean(pending) : on} aria-busy={busy || undefined} disabled={busy} onChange={() => void toggle()} />
      <span>{busy ? (pending ? 'Turning on…' : 'Turning off…') : on ? 'On' : 'Off'}</span>
    </label>
  );
}

function DockerEngine({ info, version }: { info: string; version: string }) {
  const parsed = useMemo(() => ({ info: parseDockerInfo(info), version: parseDockerVersion(version) }), [info, version]);
  if (!parsed.info.ok || !parsed.version.ok) {
    const e = !parsed.info.ok ? parsed.info.error : !parsed.version.ok ? parsed.version.error : undefined;
    return (
      <section className="property-section" aria-label="Docker">
        <h3 className="section-title">Docker</h3>
        <ErrorMessage error={{ code: e!.code, params: [e!.message] }} />
      </section>
    );
  }
  const i = parsed.info.value;
  const v = parsed.version.value;
  const rows: Rows = [
    ['Version', v.version ?? i.serverVersion ?? '—'],
    ['API version', v.apiVersion ?? '—'],
    ['Git commit', v.gitCommit ?? '—'],
    ['Driver', i.driver ?? '—'],
    ['Index server address', i.indexServerAddress ?? '—'],
    ...(i.executionDriver ? ([['Execution driver', i.executionDriver]] as Rows) : []),
    ['IPv4 forwarding', i.ipv4Forwarding === undefined ? '—' : i.ipv4Forwarding ? 'Enabled' : 'Disabled'],
    ...(i.operatingSystem ? ([['Operating system', i.operatingSystem]] as Rows) : []),
  ];
  return <PropertyList title="Docker" rows={rows} />;
}

export function VmContainerSection({ target, vm }: { target: ObjectTarget; vm: VMRecord }) {
  const mirror = useConnectionMirror(target.connectionId);
  if (!isRealVm(vm) || !mirror) return null;
  const oc = vm.other_config ?? {};
  const key = oc['xscontainer-monitor'];
  const ps = vmDockerPs(vm);
  // XenCenter offers container management for VMs xscontainer can monitor; docker keys alone show what they say.
  if (key === undefined && ps.kind === 'absent' && oc.docker_info === undefined) return null;
  const monitoring = vmMonitoring(mirror, vm);
  const listed = ps.kind === 'listed' ? ps.containers.length : undefined;
  const running = ps.kind === 'listed' ? ps.containers.filter((c) => c.state === 'running').length : 0;
  const linux = !isWindowsVmIn(mirror, vm);
  const rows: Rows = [
    ...(key !== undefined && linux ? ([['Container management', <ManagementSwitch key="switch" target={target} vm={vm} on={key.toLowerCase() === 'true'} />]] as Rows) : []),
    ['Monitoring', ps.kind === 'unreadable' ? <ErrorMessage key="e" error={{ code: ps.error.code, params: [ps.error.message] }} /> : monitoringText(monitoring, listed, running)],
  ];
  return (
    <>
      <PropertyList title="Containers" rows={rows} />
      {typeof oc.docker_info === 'string' && typeof oc.docker_version === 'string' && <DockerEngine info={oc.docker_info} version={oc.docker_version} />}
    </>
  );
}
