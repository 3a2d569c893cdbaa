/**
 * A pool's HA tab (XenCenter's HAPage): whether HA is on, the heartbeat SR, the configured and current
 * failure capacity (red when the pool can no longer cover what was asked), each server's heartbeat over
 * the network and the heartbeat SR, and the VMs HA restarts with where they run now, so a failure can be
 * watched from here: the failed server's row turns to errors, its VMs halt and come back elsewhere.
 * Configure HA (the wizard, or the edit dialog while HA is on) and Disable HA are its buttons.
 */
import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import { useActionRunner } from '../../actions';
import { actionVerdict, type Action } from '../../actions/types';
import { PropertyList } from '../../components/PropertyList';
import { Tooltip } from '../../components/Tooltip';
import { useConnection, useMirror, useMirrorShallow } from '../../store';
import type { ObjectTarget } from '../../store/object-id';
import type { XapiObjectTabProps } from '../object-tabs';
import { connectionName } from '../tree/connection-status';
import { configureHa, disableHa } from './ha-actions';
import { heartbeatGraceLeft, noteHaSwitchedOn } from './ha-enabled-since';
import { priorityLabel } from './ha-plan-model';
import { formatWhen } from '../tasks/xapi-time';
import { haStatus, type HaStatus, type HeartbeatCell, type ProtectedVm } from './ha-status';
import './ha.css';

function ActionButton({ action, target, label, primary }: { action: Action; target: ObjectTarget; label: string; primary?: boolean }) {
  const runner = useActionRunner();
  const descriptionId = useId();
  const reason = useMirror((s) => actionVerdict(action, [target], s).reason);
  const button = (
    <button
      type="button"
      className={`button${primary ? ' button-primary' : ''}${action.danger ? ' button-danger-outline' : ''}`}
      aria-disabled={reason !== undefined || undefined}
      aria-describedby={reason ? descriptionId : undefined}
      onClick={reason ? undefined : () => runner.invoke(action, [target])}
    >
      {label}
      {reason && (
        <span id={descriptionId} className="visually-hidden">
          {reason}
        </span>
      )}
    </button>
  );
  return <Tooltip content={reason}>{button}</Tooltip>;
}

/** Re-renders once the heartbeat grace period after switching HA on is over. */
function useGrace(connectionId: string, enabled: boolean): boolean {
  const previous = useRef(enabled);
  const [, tick] = useState(0);
  useEffect(() => {
    // Switched on while the tab was open (by this window or another client).
    if (!previous.current && enabled) {
      noteHaSwitchedOn(connectionId);
      tick((n) => n + 1);
    }
    previous.current = enabled;
  }, [connectionId, enabled]);
  const left = enabled ? heartbeatGraceLeft(connectionId) : 0;
  useEffect(() => {
    if (left <= 0) return;
    const timer = setTimeout(() => tick((n) => n + 1), left + 50);
    return () => clearTimeout(timer);
  }, [left]);
  return left > 0;
}

const Cell = ({ cell }: { cell: HeartbeatCell }) => <span className={`ha-cell tone-${cell.tone}`}>{cell.text}</span>;

function capacityRows(status: HaStatus): Array<[string, ReactNode]> {
  const configured =
    status.configuredCapacity === 0 ? (
      <strong className="ha-alarm">0 - HA cannot guarantee to restart your protected VMs after a server failure</strong>
    ) : (
      String(status.configuredCapacity)
    );
  const current = status.overcommitted ? (
    <strong className="ha-alarm">{status.currentCapacity} - the pool is overcommitted: it can no longer cover {status.configuredCapacity} server {status.configuredCapacity === 1 ? 'failure' : 'failures'}</strong>
  ) : (
    String(status.currentCapacity)
  );
  return [
    ['HA enabled', 'Yes'],
    ['Heartbeat SR', status.heartbeatSrs.map((s) => s.name).join(', ') || '—'],
    ['Configured failure capacity', configured],
    ['Current failure capacity', current],
  ];
}

function vmState(vm: ProtectedVm): string {
  if (vm.powerState === 'Running') return vm.host ? `Running on ${vm.host}` : 'Running';
  if (vm.powerState === 'Paused') return vm.host ? `Paused on ${vm.host}` : 'Paused';
  return vm.powerState === 'Suspended' ? 'Suspended' : 'Halted';
}

export default function HaTab({ target }: XapiObjectTabProps) {
  const connection = useConnection(target.connectionId);
  const enabled = useMirror((s) => s.mirrors[target.connectionId]?.objects.pool?.get(target.ref)?.ha_enabled ?? false);
  const initializing = useGrace(target.connectionId, enabled);
  const fallbackName = connection ? connectionName(connection) : 'the pool';
  // Only the classes the tab reads: a batch that touches none of them does not recompute it.
  const [pool, host, hostMetrics, vdi, sr, vm, vmMetrics] = useMirrorShallow((s) => {
    const o = s.mirrors[target.connectionId]?.objects;
    return [o?.pool, o?.host, o?.host_metrics, o?.VDI, o?.SR, o?.VM, o?.VM_metrics] as const;
  });
  const status = useMemo(
    () => (pool ? haStatus({ objects: { pool, host, host_metrics: hostMetrics, VDI: vdi, SR: sr, VM: vm, VM_metrics: vmMetrics } }, fallbackName, initializing) : undefined),
    [pool, host, hostMetrics, vdi, sr, vm, vmMetrics, fallbackName, initializing],
  );
  const poolName = status?.poolName ?? fallbackName;

  if (!status) return <p className="muted">Loading…</p>;

  return (
    <div className="view-ha">
      <section className="ha-intro" aria-label="HA state">
        {status.operation ? (
          <p className="ha-blurb" role="status">
            HA is currently being {status.operation === 'enabling' ? 'enabled' : 'disabled'} for ‘{poolName}’.
          </p>
        ) : status.enabled ? (
          <p className="ha-blurb">
            HA is currently enabled for pool ‘{poolName}’: if a server fails, the VMs below are restarted on the others. Use Configure HA to change their priorities.
          </p>
        ) : (
          <p className="ha-blurb">
            HA is not currently enabled for pool ‘{poolName}’. Use Configure HA to enable it, so that your VMs are restarted automatically when a server fails unexpectedly.
          </p>
        )}
        {connection && connection.status.state !== 'connected' && (
          <p className="ha-stale" role="status">
            {poolName} is not connected now: this is the last state XenDeck saw. With HA on, a pool that lost its master elects another, and XenDeck finds it by itself.
          </p>
        )}
        <div className="form-buttons">
          <ActionButton action={configureHa} target={target} label={status.enabled ? 'Edit restart priorities…' : 'Configure HA…'} primary />
          {status.enabled && <ActionButton action={disableHa} target={target} label="Disable HA…" />}
        </div>
      </section>

      {status.enabled && (
        <>
          <PropertyList title="Configuration" rows={capacityRows(status)} />
          <table className="data-table ha-heartbeats" aria-label="Heartbeating status">
            <caption className="section-title">Heartbeating status</caption>
            <thead>
              <tr>
                <th scope="col">Server</th>
                <th scope="col">Network</th>
                {status.heartbeatSrs.map((sr) => (
                  <th scope="col" key={sr.ref}>
                    {sr.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {status.hosts.map((h) => (
                <tr key={h.ref} className={h.live ? undefined : 'is-dead'}>
                  <th scope="row">
                    {h.name}
                    {h.master && <span className="muted"> (master)</span>}
                    {!h.live && <span className="ha-alarm"> (failed)</span>}
                  </th>
                  <td>
                    <Cell cell={h.network} />
                  </td>
                  {h.srs.map((cell, i) => (
                    <td key={status.heartbeatSrs[i].ref}>
                      <Cell cell={cell} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}

      <table className="data-table ha-protected" aria-label="VMs HA restarts">
        <caption className="section-title">VMs HA restarts</caption>
        <thead>
          <tr>
            <th scope="col">VM</th>
            <th scope="col">Restart priority</th>
            <th scope="col">Start order</th>
            <th scope="col">Start delay</th>
            <th scope="col">State</th>
            <th scope="col">Started</th>
          </tr>
        </thead>
        <tbody>
          {status.protectedVms.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                No VM has a restart priority: Configure HA sets them.
              </td>
            </tr>
          )}
          {status.protectedVms.map((vm) => (
            <tr key={vm.ref}>
              <th scope="row">{vm.name}</th>
              <td>{priorityLabel(vm.priority)}</td>
              <td>{vm.order}</td>
              <td>{vm.delay} s</td>
              <td className={vm.powerState === 'Running' ? undefined : 'muted'}>{vmState(vm)}</td>
              <td>{vm.startedAt === undefined ? '—' : <time dateTime={new Date(vm.startedAt).toISOString()}>{formatWhen(vm.startedAt)}</time>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
