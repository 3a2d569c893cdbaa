/**
 * The wizard's Heartbeat SR page (XenCenter's ChooseSR): every shared SR, each checked live with
 * SR.assert_can_host_ha_statefile; the ones that cannot hold the statefile are disabled and say why. The
 * list keeps its name order while the answers come in, so nothing moves under the pointer.
 */
import type { Bridge } from '../../../shared/bridge';
import type { SRRecord } from '../../../shared/xapi/generated/records';
import { useWizardCheck, type CheckState } from '../../components/Wizard';
import { formatBytes } from '../tabs/format';
import { statefileProblem } from './ha-status';

/** The check a row draws and the page's validation waits for: one call per SR for the wizard's life. */
export function statefileCheck(bridge: Bridge, connectionId: string, sr: string): (signal: AbortSignal) => Promise<true> {
  return async () => {
    await bridge.request('xapi.call', { connectionId, method: 'SR.assert_can_host_ha_statefile', params: [sr] });
    return true;
  };
}

export const statefileCheckKey = (sr: string) => `statefile:${sr}`;

interface Props {
  bridge: Bridge;
  connectionId: string;
  srs: readonly [string, SRRecord][];
  value: string;
  onChange: (sr: string) => void;
  error?: string;
  fieldId: (name: string) => string;
}

function SrRow({ bridge, connectionId, sr, record, checked, onChange, name }: { bridge: Bridge; connectionId: string; sr: string; record: SRRecord; checked: boolean; onChange: (sr: string) => void; name: string }) {
  const check = useWizardCheck(statefileCheckKey(sr), statefileCheck(bridge, connectionId, sr));
  const usable = check?.status === 'done';
  const commentId = `${name}-${sr}-comment`;
  return (
    <label className={`ha-sr-row${usable ? '' : ' is-unusable'}`}>
      <input type="radio" name={name} value={sr} checked={checked} disabled={!usable} aria-describedby={commentId} onChange={() => onChange(sr)} />
      <span className="ha-sr-name">{record.name_label}</span>
      <span className="ha-sr-description muted">
        {[record.name_description, record.type.toUpperCase(), `${formatBytes(Math.max(0, record.physical_size - record.physical_utilisation))} free`].filter(Boolean).join(' · ')}
      </span>
      <span id={commentId} className={`wizard-check is-${check?.status === 'done' ? 'ok' : check?.status === 'failed' ? 'failed' : 'checking'}`}>
        {commentFor(check)}
      </span>
    </label>
  );
}

function commentFor(check: CheckState<true> | undefined): string {
  if (!check || check.status === 'checking') return 'Checking…';
  return check.status === 'done' ? 'Can hold the heartbeat' : statefileProblem(check.error);
}

export function HeartbeatSrPage({ bridge, connectionId, srs, value, onChange, error, fieldId }: Props) {
  if (srs.length === 0) {
    return (
      <p className="field-error" role="alert">
        This pool has no shared SR. HA needs shared storage (NFS, iSCSI, Fibre Channel…) that every server reaches, for its heartbeat.
      </p>
    );
  }
  const name = fieldId('sr');
  return (
    <fieldset className="dialog-fieldset ha-sr-list" aria-describedby={error ? `${name}-error` : undefined}>
      <legend>Heartbeat SR</legend>
      {srs.map(([ref, record]) => (
        <SrRow key={ref} bridge={bridge} connectionId={connectionId} sr={ref} record={record} checked={value === ref} onChange={onChange} name={name} />
      ))}
      {error && (
        <p className="field-error" id={`${name}-error`} role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
