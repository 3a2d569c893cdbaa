/**
 * A container's Details tab (XenCenter's DockerDetailsPage): `docker inspect` through the plug-in's
 * get_inspect (with the full id) on the host running the VM, as a tree of keys and values without its root
 * element, refreshed every 20 s while shown. The tree is the app's keyboard tree: arrows move, Right and
 * Left open and close, Home/End, letters jump. An unchanged answer leaves the tree as it is.
 */
import { useCallback, useMemo, useState } from 'react';
import { parseDockerInspect } from '../../../shared/api-client/xscontainer';
import { Tree } from '../../components/Tree';
import { useBridge } from '../../bridge-context';
import type { ContainerTabProps } from '../object-tabs';
import { inspectRows, type InspectRow } from './inspect-rows';
import { readFromPlugin } from './plugin-calls';
import { RefreshBar } from './RefreshBar';
import { usePolledText } from './use-polled-text';
import { useContainer } from './use-container';
import './containers.css';

const noIcon = () => null;

export default function ContainerDetailsTab({ target }: ContainerTabProps) {
  const bridge = useBridge();
  const { vm, container } = useContainer(target);
  const key = vm && container && vm.power_state === 'Running' ? `${target.connectionId}|${vm.uuid}|${container.id}` : undefined;
  const polled = usePolledText(key, () => readFromPlugin(bridge, target.connectionId, vm!, 'get_inspect', container!.id));
  const parsed = useMemo(() => (polled.text === undefined ? undefined : parseDockerInspect(polled.text)), [polled.text]);
  const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set());
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set());
  const rows = useMemo(() => (parsed?.ok ? inspectRows(parsed.value, open) : []), [parsed, open]);
  const onToggle = useCallback((row: InspectRow, next: boolean) => {
    setOpen((prev) => {
      const s = new Set(prev);
      if (next) s.add(row.key);
      else s.delete(row.key);
      return s;
    });
  }, []);
  const onSelect = useCallback((ids: string[]) => setSelected(new Set(ids.slice(-1))), []);

  if (!vm || !container) return <p className="muted">This container is no longer listed by its VM.</p>;
  if (!key) return <p className="muted">Details are read from the running VM: start it to see them.</p>;
  const failure = parsed && !parsed.ok ? { code: parsed.error.code, params: [parsed.error.message] } : undefined;
  return (
    <div className="container-tab">
      <RefreshBar polled={failure ? { ...polled, error: failure } : polled} what="details" />
      {parsed?.ok && (
        <div className="container-inspect">
          <Tree<InspectRow> label="Container details" rows={rows} selectedIds={selected} renderIcon={noIcon} onToggle={onToggle} onSelect={onSelect} empty={<p className="muted">Docker returned no details.</p>} />
        </div>
      )}
    </div>
  );
}
