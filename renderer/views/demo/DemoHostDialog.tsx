/**
 * Demo controls' dialog: which host of the demo pool to fail (as if its power were cut) or to restart,
 * with what will happen next in words, so whoever runs a demo stand knows what the audience will see.
 * The hosts and whether they run come from the demo simulator itself (a failed host keeps looking alive
 * to the pool until HA's heartbeat timeout), so a host failed a moment ago is offered for restart at once.
 */
import { useEffect, useId, useState } from 'react';
import type { DemoHost } from '../../../shared/bridge';
import { useBridge } from '../../bridge-context';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';

export interface DemoHostChoice {
  host: string;
  name: string;
}

export interface DemoHostDialogProps {
  connectionId: string;
  poolName: string;
  action: 'fail' | 'restart';
  /** HA is on for the pool (what failing a host leads to differs). */
  haEnabled: boolean;
  /** The host selected in the tree, chosen first when it can be. */
  preferred?: string;
  onDone: (choice: DemoHostChoice | undefined) => void;
}

function consequence(action: 'fail' | 'restart', haEnabled: boolean): string {
  if (action === 'restart') {
    return haEnabled
      ? 'The host boots and rejoins the pool as a member; HA records that it was fenced and counts it again for the failover plan.'
      : 'The host boots and rejoins the pool as a member; its VMs stay halted until you start them.';
  }
  return haEnabled
    ? 'The host stops at once, as if its power were cut. HA notices once its heartbeat times out (about a minute): the host is marked failed, its VMs halted, and the protected ones restarted on the other hosts in their start order. If it was the pool master, another host takes over and XenDeck follows it.'
    : 'The host stops at once, as if its power were cut. HA is off: the pool marks it unreachable and its VMs stay halted; nothing restarts them. If it was the pool master, another host takes over.';
}

export function DemoHostDialog({ connectionId, poolName, action, haEnabled, preferred, onDone }: DemoHostDialogProps) {
  const bridge = useBridge();
  const id = useId();
  const [hosts, setHosts] = useState<DemoHost[]>();
  const [error, setError] = useState<unknown>();
  const [chosen, setChosen] = useState<string>();

  useEffect(() => {
    let live = true;
    bridge.request('demo.hosts', { connectionId }).then(
      (list) => {
        if (!live) return;
        setHosts(list);
        const offered = list.filter((h) => (action === 'fail' ? h.alive : !h.alive));
        setChosen(offered.find((h) => h.uuid === preferred)?.uuid ?? offered[0]?.uuid);
      },
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [bridge, connectionId, action, preferred]);

  const offered = (hosts ?? []).filter((h) => (action === 'fail' ? h.alive : !h.alive));
  const verb = action === 'fail' ? 'Fail' : 'Restart';
  const host = offered.find((h) => h.uuid === chosen);
  return (
    <Dialog
      title={`${verb} a host of ${poolName} (demo)`}
      onClose={() => onDone(undefined)}
      describedBy={`${id}-what`}
      footer={
        <>
          <button type="button" className="button" onClick={() => onDone(undefined)}>
            Cancel
          </button>
          <button type="button" className={`button ${action === 'fail' ? 'button-danger' : 'button-primary'}`} disabled={!host} onClick={() => host && onDone({ host: host.uuid, name: host.name })}>
            {verb} {host?.name ?? 'host'}
          </button>
        </>
      }
    >
      <p id={`${id}-what`}>{consequence(action, haEnabled)}</p>
      {error !== undefined && <ErrorMessage error={error} />}
      {hosts === undefined && error === undefined && <p className="muted">Asking the demo simulator…</p>}
      {hosts !== undefined && offered.length === 0 && (
        <p className="muted">{action === 'fail' ? 'Every host of this pool is already down.' : 'No host of this pool is down: there is nothing to restart.'}</p>
      )}
      {offered.length > 0 && (
        <fieldset className="dialog-fieldset">
          <legend>{action === 'fail' ? 'Host to fail' : 'Host to restart'}</legend>
          {offered.map((h) => (
            <label key={h.uuid} className="checkbox-row">
              <input type="radio" name={`${id}-host`} checked={chosen === h.uuid} onChange={() => setChosen(h.uuid)} />
              <span>
                {h.name}
                {h.master ? ' (pool master)' : ''}
              </span>
            </label>
          ))}
        </fieldset>
      )}
    </Dialog>
  );
}
