/** The General tab of a connection: where it points, as whom, and in which state. */
import type { ConnectionInfo } from '../../../shared/bridge';
import { PropertyList } from '../../components/PropertyList';
import { StatusPill } from '../../components/StatusPill';
import { statusText, statusTone } from '../tree/connection-status';

export function ConnectionGeneral({ connection: c }: { connection: ConnectionInfo }) {
  const error = c.status.state === 'disconnected' || c.status.state === 'reconnecting' ? c.status.error : undefined;
  return (
    <div className="view-general">
      <PropertyList
        title="Connection"
        rows={[
          ['Status', <StatusPill key="s" text={statusText(c.status)} tone={statusTone(c.status)} />],
          ['Address', c.address],
          ['Pool master', c.masterAddress ?? '—'],
          ['User', c.user],
          ['Kind', c.demo ? 'Demo pool (embedded simulator)' : 'Server'],
          ['Password', c.demo ? 'Built in' : c.remembered ? 'Remembered' : 'Not remembered'],
        ]}
      />
      {c.note && <p className="note">{c.note}</p>}
      {error && (
        <section className="property-section" aria-label="Last error">
          <h3 className="section-title">Last error</h3>
          <p>{error.message}</p>
          <p className="error-code">
            {error.code}
            {error.params.length ? ` (${error.params.join(', ')})` : ''}
          </p>
        </section>
      )}
    </div>
  );
}
