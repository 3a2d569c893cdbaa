/**
 * A container's General tab (XenCenter's "Container General Properties"): name, status, created, image,
 * short and full id, command and ports, as docker_ps lists them; it follows the list as the monitor
 * rewrites it. The VM it runs in is a link to the VM.
 */
import type { ReactNode } from 'react';
import { CopyButton } from '../../components/CopyButton';
import { PropertyList } from '../../components/PropertyList';
import { useMirrorStoreApi } from '../../store/hooks';
import { objectId } from '../../store/object-id';
import type { ContainerTabProps } from '../object-tabs';
import { formatCreated, formatPort } from './container-format';
import { useContainer } from './use-container';
import { containerStateWords, displayName } from './vm-containers';
import './containers.css';

const mono = (value: string, what?: string) =>
  value ? (
    <span className="copyable">
      <span className="mono">{value}</span>
      {what && <CopyButton value={value} what={what} />}
    </span>
  ) : (
    '—'
  );

export default function ContainerGeneralTab({ target }: ContainerTabProps) {
  const store = useMirrorStoreApi();
  const { vm, container: c } = useContainer(target);
  if (!vm || !c) return <p className="muted">This container is no longer listed by its VM.</p>;
  const words = containerStateWords(c);
  return (
    <div className="view-general">
      <PropertyList
        title="Container"
        rows={[
          ['Name', displayName(c)],
          ['Status', c.status || '—'],
          ['State', words.charAt(0).toUpperCase() + words.slice(1)],
          ['Created', formatCreated(c.created)],
          ['Image', mono(c.image)],
          ['Container', mono(c.shortId, 'short container id')],
          ['Command', c.command ? <code className="container-command">{c.command}</code> : '—'],
          ...(c.ports.length
            ? ([['Ports', <ul key="p" className="container-ports">{c.ports.map((p, i) => <li key={i} className="mono">{formatPort(p)}</li>)}</ul>]] as Array<[string, ReactNode]>)
            : []),
          ['ID', mono(c.id, 'full container id')],
          [
            'Virtual machine',
            <button key="vm" type="button" className="link-button" onClick={() => store.getState().select([objectId(target.connectionId, 'VM', target.vmRef)])}>
              {vm.name_label}
            </button>,
          ],
        ]}
      />
    </div>
  );
}
