/**
 * Reboot or shut down hosts that may still run VMs, as XenCenter allows: the running VMs are listed and
 * the user chooses what happens to them first: moved live to the other hosts of the pool (evacuation),
 * or shut down (cleanly where the guest can, else forcibly). Nothing happens before the button is pressed.
 */
import { useId, useState } from 'react';
import type { HostRecord, VMRecord } from '../../../shared/xapi/generated/records';
import { Dialog } from '../../components/Dialog';
import type { MirrorState } from '../../store';
import type { Resolved } from '../targets';

export type RunningVmsChoice = 'evacuate' | 'shutdown';

/** The guests running (or paused, or suspending) on a host: what a reboot would interrupt. */
export function runningGuests(host: Resolved<HostRecord>, state: MirrorState): VMRecord[] {
  const vms = state.mirrors[host.target.connectionId]?.objects.VM;
  return host.record.resident_VMs.map((r) => vms?.get(r)).filter((vm): vm is VMRecord => Boolean(vm && !vm.is_control_domain && vm.power_state !== 'Halted'));
}

export function HostPowerDialog({ hosts, state, verb, onDone }: { hosts: Resolved<HostRecord>[]; state: MirrorState; verb: 'Reboot' | 'Shut down'; onDone: (choice: RunningVmsChoice | undefined) => void }) {
  const id = useId();
  const withGuests = hosts.map((h) => ({ host: h, guests: runningGuests(h, state) }));
  const anyGuests = withGuests.some((h) => h.guests.length > 0);
  // Evacuation needs another enabled host in the pool for the VMs to go to.
  const canEvacuate = withGuests.every(({ host, guests }) => {
    if (!guests.length) return true;
    const others = [...(state.mirrors[host.target.connectionId]?.objects.host ?? new Map())].filter(([ref, h]) => h.enabled && !hosts.some((x) => x.target.ref === ref));
    return others.length > 0 && host.record.allowed_operations.includes('evacuate');
  });
  const [choice, setChoice] = useState<RunningVmsChoice>(canEvacuate ? 'evacuate' : 'shutdown');
  const names = hosts.map((h) => h.record.name_label).join(', ');
  const title = `${verb} ${hosts.length === 1 ? names : `${hosts.length} hosts`}?`;
  const after = verb === 'Reboot' ? 'The host restarts and is back in the pool after a few minutes.' : 'The host switches off and stays off until it is powered on again (by its power button or its management controller).';
  return (
    <Dialog
      title={title}
      tone="alert"
      onClose={() => onDone(undefined)}
      describedBy={`${id}-what`}
      footer={
        <>
          <button type="button" className="button" data-autofocus onClick={() => onDone(undefined)}>
            Cancel
          </button>
          <button type="button" className="button button-danger" onClick={() => onDone(choice)}>
            {verb}
          </button>
        </>
      }
    >
      <p id={`${id}-what`}>{after}</p>
      {anyGuests ? (
        <fieldset className="dialog-fieldset">
          <legend>Running VMs</legend>
          {withGuests
            .filter((h) => h.guests.length)
            .map(({ host, guests }) => (
              <p key={host.target.ref}>
                {host.record.name_label}: {guests.map((g) => g.name_label).join(', ')}
              </p>
            ))}
          <label className="checkbox-row">
            <input type="radio" name={`${id}-choice`} checked={choice === 'evacuate'} disabled={!canEvacuate} onChange={() => setChoice('evacuate')} />
            <span>Move them live to the other hosts of the pool first{canEvacuate ? '' : ' (no other enabled host can take them)'}</span>
          </label>
          <label className="checkbox-row">
            <input type="radio" name={`${id}-choice`} checked={choice === 'shutdown'} onChange={() => setChoice('shutdown')} />
            <span>Shut them down (unsaved work in the guests may be lost)</span>
          </label>
        </fieldset>
      ) : (
        <p className="muted">No VM runs on {hosts.length === 1 ? 'this host' : 'these hosts'}.</p>
      )}
    </Dialog>
  );
}
