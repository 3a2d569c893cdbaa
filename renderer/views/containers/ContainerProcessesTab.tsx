/**
 * A container's Processes tab (XenCenter's DockerProcessPage): `docker top` through the plug-in's get_top on
 * the host running the VM, refreshed every 20 s while the tab is shown, in a table sortable by PID, command
 * and CPU time. XenCenter sends the container's name, which xscontainer refuses when it has "-", "_" or "."
 * (most compose names); the full id always passes its check, so that is sent. Not offered for Windows VMs.
 */
import { useMemo, useState } from 'react';
import { parseDockerTop, type DockerProcess } from '../../../shared/api-client/xscontainer';
import { useBridge } from '../../bridge-context';
import { useConnectionMirror } from '../../store/hooks';
import type { ContainerTabProps } from '../object-tabs';
import { readFromPlugin } from './plugin-calls';
import { nextSort, sortProcesses, type ProcessColumn, type ProcessSort } from './process-sort';
import { RefreshBar } from './RefreshBar';
import { usePolledText } from './use-polled-text';
import { useContainer } from './use-container';
import { isWindowsVmIn } from './vm-containers';
import './containers.css';

const COLUMNS: { id: ProcessColumn; label: string }[] = [
  { id: 'pid', label: 'PID' },
  { id: 'command', label: 'Command' },
  { id: 'cpu', label: 'CPU time' },
];

function ProcessTable({ processes }: { processes: readonly DockerProcess[] }) {
  const [sort, setSort] = useState<ProcessSort>({ column: 'pid', descending: false });
  const rows = useMemo(() => sortProcesses(processes, sort), [processes, sort]);
  return (
    <table className="data-table container-processes" aria-label="Processes">
      <thead>
        <tr>
          {COLUMNS.map((col) => {
            const sorted = sort.column === col.id;
            return (
              <th key={col.id} scope="col" aria-sort={sorted ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
                <button type="button" className="sort-button" onClick={() => setSort((s) => nextSort(s, col.id))}>
                  {col.label}
                  <span aria-hidden="true" className="sort-mark">{sorted ? (sort.descending ? '▼' : '▲') : ''}</span>
                </button>
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody>
        {rows.map((p, i) => (
          <tr key={`${p.pid}:${i}`}>
            <td className="mono">{p.pid}</td>
            <td className="mono container-command">{p.command}</td>
            <td className="mono">{p.cpuTime}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default function ContainerProcessesTab({ target }: ContainerTabProps) {
  const bridge = useBridge();
  const mirror = useConnectionMirror(target.connectionId);
  const { vm, container } = useContainer(target);
  const windows = vm ? isWindowsVmIn(mirror, vm) : false;
  const running = container?.state === 'running' || container?.state === 'paused';
  const key = vm && container && running && !windows ? `${target.connectionId}|${vm.uuid}|${container.id}` : undefined;
  const polled = usePolledText(key, () => readFromPlugin(bridge, target.connectionId, vm!, 'get_top', container!.id));
  const parsed = useMemo(() => (polled.text === undefined ? undefined : parseDockerTop(polled.text)), [polled.text]);

  if (!vm || !container) return <p className="muted">This container is no longer listed by its VM.</p>;
  if (windows) return <p className="muted">Processes are not shown for containers on Windows VMs.</p>;
  if (!running) return <p className="muted">No processes: the container is not running.</p>;
  const failure = parsed && !parsed.ok ? { code: parsed.error.code, params: [parsed.error.message] } : undefined;
  return (
    <div className="container-tab">
      <RefreshBar polled={failure ? { ...polled, error: failure } : polled} what="processes" />
      {parsed?.ok && (parsed.value.length ? <ProcessTable processes={parsed.value} /> : <p className="muted">The container has no processes.</p>)}
    </div>
  );
}
