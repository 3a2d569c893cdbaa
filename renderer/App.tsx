/**
 * The XenDeck window, laid out as XenCenter users know it: a toolbar on top, the resource tree on the
 * left, the selected object's tabbed detail pane on the right, and a task/alert strip at the bottom.
 * Styles and theme variables: renderer/styles/base.css.
 */
import { useEffect, useState } from 'react';
import type { AppInfo, BridgeErrorShape, ConnectionInfo } from '../shared/bridge';
import { useBridge } from './bridge-context';
import { AppMark, Icon } from './components/Icon';
import { ErrorBoundary } from './components/ErrorBoundary';
import { Tabs, type TabDef } from './components/Tabs';
import { Toolbar, ToolbarButton, ToolbarSeparator, ToolbarSpacer } from './components/Toolbar';
import { ConnectionGeneral } from './views/general/ConnectionGeneral';
import { HomeView } from './views/home/HomeView';
import { connectionName } from './views/tree/connection-status';
import { ResourceTree } from './views/tree/ResourceTree';
import { useConnectionList } from './views/tree/use-connection-list';

interface Alert {
  text: string;
  code?: string;
}

const HOME_TABS: TabDef[] = [{ id: 'home', label: 'Home' }];
const CONNECTION_TABS: TabDef[] = [{ id: 'general', label: 'General' }];

function alertOf(action: string, err: unknown): Alert {
  const e = err as Partial<BridgeErrorShape> | undefined;
  return { text: `${action} failed: ${e?.message ?? String(err)}`, code: typeof e?.code === 'string' ? e.code : undefined };
}

export function App() {
  const bridge = useBridge();
  const { connections, loaded, error: listError } = useConnectionList();
  const [info, setInfo] = useState<AppInfo>();
  const [selectedId, setSelectedId] = useState<string>();
  const [tab, setTab] = useState('home');
  const [filter, setFilter] = useState('');
  const [alert, setAlert] = useState<Alert>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    bridge.request('app.info', undefined).then(
      (i) => live && setInfo(i),
      (err: unknown) => live && setAlert(alertOf('Reaching the XenDeck host', err)),
    );
    return () => {
      live = false;
    };
  }, [bridge]);

  const selected: ConnectionInfo | undefined = connections.find((c) => c.id === selectedId);
  const tabs = selected ? CONNECTION_TABS : HOME_TABS;

  const select = (id: string | undefined) => {
    setSelectedId(id);
    setTab(id ? 'general' : 'home');
  };

  const run = (action: string, work: () => Promise<unknown>) => {
    setBusy(true);
    setAlert(undefined);
    work()
      .catch((err: unknown) => setAlert(alertOf(action, err)))
      .finally(() => setBusy(false));
  };

  const state = selected?.status.state;
  const canConnect = Boolean(selected) && state === 'disconnected' && !busy;
  const canDisconnect = Boolean(selected) && state !== undefined && state !== 'disconnected' && !busy;
  const connectedCount = connections.filter((c) => !c.hidden && c.status.state === 'connected').length;
  const shownCount = connections.filter((c) => !c.hidden).length;
  const shownAlert = alert ?? (listError ? alertOf('Listing connections', listError) : undefined);

  return (
    <div className="app">
      <Toolbar label="Main toolbar">
        <span className="toolbar-brand">
          <AppMark size={18} /> XenDeck
        </span>
        <ToolbarSeparator />
        <ToolbarButton icon="home" label="Home" onClick={() => select(undefined)} />
        <ToolbarSeparator />
        <ToolbarButton
          icon="connect"
          label="Connect"
          disabled={!canConnect}
          onClick={() => selected && run(`Connecting to ${connectionName(selected)}`, () => bridge.request('connections.connect', { id: selected.id }))}
        />
        <ToolbarButton
          icon="disconnect"
          label="Disconnect"
          disabled={!canDisconnect}
          onClick={() => selected && run(`Disconnecting from ${connectionName(selected)}`, () => bridge.request('connections.disconnect', { id: selected.id }))}
        />
        <ToolbarSpacer />
      </Toolbar>

      <div className="app-main">
        <nav className="app-sidebar" aria-label="Resources">
          <div className="sidebar-search" role="search">
            <label htmlFor="tree-filter" className="visually-hidden">
              Search resources
            </label>
            <input id="tree-filter" type="search" placeholder="Search…" value={filter} onChange={(e) => setFilter(e.target.value)} />
          </div>
          <div className="sidebar-tree">
            <ErrorBoundary region="the resource tree">
              <ResourceTree connections={connections} filter={filter} selectedId={selectedId} onSelect={select} loaded={loaded} />
            </ErrorBoundary>
          </div>
        </nav>

        <main className="app-detail" aria-label={selected ? connectionName(selected) : 'Home'}>
          <header className="detail-header">
            <Icon name={selected ? 'pool' : 'home'} />
            <span>{selected ? connectionName(selected) : 'Home'}</span>
          </header>
          <ErrorBoundary region="the detail pane">
            <Tabs label="Views" tabs={tabs} selected={tab} onSelect={setTab}>
              {selected ? <ConnectionGeneral connection={selected} /> : <HomeView connections={connections} info={info} onOpen={select} />}
            </Tabs>
          </ErrorBoundary>
        </main>
      </div>

      <footer className="status-strip" aria-label="Tasks and alerts">
        <span className="status-strip-item" role="status">
          <Icon name="pool" />
          {loaded ? `${connectedCount} of ${shownCount} ${shownCount === 1 ? 'pool' : 'pools'} connected` : 'Loading connections…'}
        </span>
        {busy && (
          <span className="status-strip-item">
            <Icon name="task" /> Working…
          </span>
        )}
        {shownAlert && (
          <span className="status-strip-item status-strip-alert" role="alert">
            <Icon name="alert" />
            {shownAlert.text}
            {shownAlert.code && <span className="error-code">{shownAlert.code}</span>}
            {alert && (
              <button type="button" className="status-strip-dismiss" aria-label="Dismiss alert" onClick={() => setAlert(undefined)}>
                ×
              </button>
            )}
          </span>
        )}
      </footer>
    </div>
  );
}
