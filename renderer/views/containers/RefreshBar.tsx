/**
 * The line above the Processes and Details tabs, with XenCenter's words: "Loading…", "Last refresh: <time>"
 * or "The information is not available." with the reason (XAPI's code kept), and a Refresh button.
 */
import { ErrorMessage } from '../../components/ErrorMessage';
import type { PolledText } from './use-polled-text';

export function RefreshBar({ polled, what }: { polled: PolledText; what: string }) {
  const { loading, error, refreshedAt, refresh } = polled;
  const status = loading && refreshedAt === undefined ? 'Loading…' : error !== undefined ? 'The information is not available.' : refreshedAt !== undefined ? `Last refresh: ${new Date(refreshedAt).toLocaleTimeString()}` : '';
  return (
    <div className="container-refresh">
      <div className="container-refresh-line">
        <span role="status" className="muted">
          {status}
          {loading && refreshedAt !== undefined ? ' Refreshing…' : ''}
        </span>
        <button type="button" className="button button-small" onClick={refresh} disabled={loading} aria-label={`Refresh ${what}`}>
          Refresh
        </button>
      </div>
      {error !== undefined && !loading && <ErrorMessage error={error} />}
    </div>
  );
}
