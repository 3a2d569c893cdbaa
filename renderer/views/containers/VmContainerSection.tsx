/**
 * What the VM's General tab shows about its Docker containers (XenCenter: the "Docker information" box,
 * GeneralTabPage.GenerateDockerInfoBox):
 * - "Container management": on or off, for Linux VMs xscontainer can monitor (other_config has
 *   xscontainer-monitor), with the way to VM Properties where it is switched; and where monitoring stands: containers listed, connecting, Docker unreachable (xscontainer's own diagnosis), the
 *   VM not running, or a container list that cannot be read (the parser's error, with its code);
 * - "Docker": the engine's version, API version, driver… when docker_info and docker_version exist.
 */
import { useMemo, type ReactNode } from 'react';
import { parseDockerInfo, parseDockerVersion, type ContainerMonitoring } from '../../../shared/api-client/xscontainer';
import type { VMRecord } from '../../../shared/xapi/generated/records';
import { useActionRunner } from '../../actions/ActionHost';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PropertyList } from '../../components/PropertyList';
import { useConnectionMirror } from '../../store/hooks';
import type { ObjectTarget } from '../../store/object-id';
import { formatTime } from '../tabs/format';
import { VM_PROPERTIES_ACTION_ID } from '../vm-properties/vm-properties-action';
import { isMonitorable, isRealVm, vmDockerPs, vmMonitoring } from './vm-containers';
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

/** "On"/"Off" and the way to change it: VM Properties, Container management page (as in XenCenter). */
function ManagementState({ target, on }: { target: ObjectTarget; on: boolean }) {
  const runner = useActionRunner();
  return (
    <span className="container-management">
      {on ? 'On' : 'Off'}{' '}
      <button type="button" className="link-button" onClick={() => runner.invoke(VM_PROPERTIES_ACTION_ID, [target], 'containers')}>
        Change in Properties…
      </button>
    </span>
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
  const rows: Rows = [
    ...(key !== undefined && isMonitorable(mirror, vm) ? ([['Container management', <ManagementState key="state" target={target} on={key.toLowerCase() === 'true'} />]] as Rows) : []),
    ['Monitoring', ps.kind === 'unreadable' ? <ErrorMessage key="e" error={{ code: ps.error.code, params: [ps.error.message] }} /> : monitoringText(monitoring, listed, running)],
  ];
  return (
    <>
      <PropertyList title="Containers" rows={rows} />
      {typeof oc.docker_info === 'string' && typeof oc.docker_version === 'string' && <DockerEngine info={oc.docker_info} version={oc.docker_version} />}
    </>
  );
}
