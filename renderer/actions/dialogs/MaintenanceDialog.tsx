/**
 * Enter maintenance mode: what will happen before it happens. The running VMs of each host are listed;
 * the pool moves them live to the other enabled hosts (xapi picks the host per VM by free memory), so
 * those hosts and their free memory are shown as where the VMs go.
 */
import { useId } from 'react';
import type { HostRecord } from '../../../shared/xapi/generated/records';
import { Dialog } from '../../components/Dialog';
import type { ClassMap, MirrorState } from '../../store';
import type { Resolved } from '../targets';
import { formatBytes } from './format-bytes';

export function MaintenanceDialog({ hosts, state, onDone }: { hosts: Resolved<HostRecord>[]; state: MirrorState; onDone: (ok: boolean | undefined) => void }) {
  const bodyId = useId();
  const title = hosts.length === 1 ? `Put ${hosts[0].record.name_label} in maintenance mode?` : `Put ${hosts.length} hosts in maintenance mode?`;
  const leaving = new Set(hosts.map((h) => h.target.ref));
  return (
    <Dialog
      title={title}
      onClose={() => onDone(undefined)}
      describedBy={bodyId}
      footer={
        <>
          <button type="button" className="button" onClick={() => onDone(undefined)}>
            Cancel
          </button>
          <button type="button" className="button button-primary" data-autofocus onClick={() => onDone(true)}>
            Enter maintenance mode
          </button>
        </>
      }
    >
      <p id={bodyId}>No new VMs will start on {hosts.length === 1 ? 'this host' : 'these hosts'}, and the running VMs move live to the other hosts of the pool.</p>
      {hosts.map((host) => {
        const objects = state.mirrors[host.target.connectionId]?.objects;
        const vms = (objects?.VM as ClassMap<'VM'> | undefined) ?? new Map();
        const metrics = objects?.host_metrics as ClassMap<'host_metrics'> | undefined;
        const allHosts = (objects?.host as ClassMap<'host'> | undefined) ?? new Map();
        const moving = host.record.resident_VMs.map((r) => vms.get(r)).filter((vm) => vm && !vm.is_control_domain && vm.power_state !== 'Halted');
        const destinations = [...allHosts].filter(([ref, h]) => !leaving.has(ref) && h.enabled);
        return (
          <section key={host.target.ref} className="dialog-fieldset" aria-label={host.record.name_label}>
            <h3 className="section-title">{host.record.name_label}</h3>
            {moving.length === 0 ? (
              <p className="muted">No running VMs: nothing to move.</p>
            ) : (
              <>
                <p>
                  {moving.length} running VM{moving.length === 1 ? '' : 's'} to move: {moving.map((vm) => vm!.name_label).join(', ')}.
                </p>
                {destinations.length === 0 ? (
                  <p className="warning-block">No other enabled host in the pool: the VMs cannot move and entering maintenance mode will fail.</p>
                ) : (
                  <p>
                    Where they go: {destinations.map(([, h]) => `${h.name_label} (${formatBytes(metrics?.get(h.metrics)?.memory_free ?? 0)} free)`).join(', ')}.
                  </p>
                )}
              </>
            )}
          </section>
        );
      })}
    </Dialog>
  );
}
