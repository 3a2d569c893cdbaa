/** What the detail pane shows with nothing selected: the connections at a glance, and where to start. */
import type { AppInfo, ConnectionInfo } from '../../../shared/bridge';
import { AppMark } from '../../components/Icon';
import { StatusPill } from '../../components/StatusPill';
import { connectionName, statusText, statusTone } from '../tree/connection-status';

export function HomeView({ connections, info, onOpen }: { connections: ConnectionInfo[]; info: AppInfo | undefined; onOpen: (id: string) => void }) {
  const visible = connections.filter((c) => !c.hidden);
  return (
    <div className="home">
      <header className="home-header">
        <AppMark size={40} />
        <div>
          <h1>XenDeck</h1>
          <p className="muted">Manage Xen pools: hosts, virtual machines, storage and networks.</p>
        </div>
      </header>
      <section aria-label="Your pools" className="home-section">
        <h2 className="section-title">Your pools</h2>
        {visible.length === 0 ? (
          <p className="muted">No servers yet.</p>
        ) : (
          <ul className="home-connections">
            {visible.map((c) => (
              <li key={c.id}>
                <button type="button" className="home-connection" onClick={() => onOpen(c.id)}>
                  <span className="home-connection-name">{connectionName(c)}</span>
                  <span className="muted">{c.demo ? 'Demo pool' : c.address}</span>
                  <StatusPill text={statusText(c.status)} tone={statusTone(c.status)} />
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      {info && (
        <p className="home-footnote muted">
          Version {info.version} · {info.mode === 'browser' ? 'browser mode' : 'desktop app'} ·{' '}
          {info.secretStorage === 'os-keychain' ? 'passwords kept in the system keychain' : 'passwords kept in a file only you can read'}
        </p>
      )}
    </div>
  );
}
