/**
 * The XenDeck window, laid out as XenCenter users know it: a toolbar on top, the resource tree on the
 * left, the selected object's tabbed detail pane on the right, and a task/alert panel at the bottom; the
 * panes resize and collapse, remembered per user (window-layout.tsx). The mirror store is filled here
 * (startMirrorSync) and provided to everything below.
 * Styles and theme variables: renderer/styles/base.css; the views' own: renderer/views/views.css.
 */
import { useEffect, useState } from 'react';
import type { AppInfo } from '../shared/bridge';
import { ActionHost, ActionToolbar, useActionKeys, useActionRunner } from './actions';
import { useBridge } from './bridge-context';
import { ErrorBoundary } from './components/ErrorBoundary';
import { ErrorMessage } from './components/ErrorMessage';
import { AppMark, Icon } from './components/Icon';
import { Tabs } from './components/Tabs';
import { Toolbar, ToolbarButton, ToolbarSeparator, ToolbarSpacer, ToolbarToggle } from './components/Toolbar';
import { TooltipProvider } from './components/Tooltip';
import { appStore, MirrorStoreProvider, startMirrorSync, useConnections, useMirror, useMirrorStoreApi, useRecord, useSelectionIds } from './store';
import { connectionNodeId, parseObjectId, type Target } from './store/object-id';
import { useSelectParentOfVanished } from './store/vanished-selection';
import { useFollowMovedVms } from './views/migration/follow-moved-vms';
import { WindowPanes } from './window-layout';
import { ConsoleTab, parseConsoleRouteHash } from './views/console';
import { useOpenRequests } from './views/connections/open-requests';
import { MasterFollowNotice } from './views/connections/MasterFollowNotice';
import { HomeView } from './views/home/HomeView';
import { ObjectDetail } from './views/tabs/ObjectDetail';
import { ResourcePane } from './views/tree/ResourcePane';
import { BottomPanel } from './views/tasks/BottomPanel';
import './views/views.css';

interface SyncProblem {
  what: string;
  error: unknown;
}

function StatusStrip({ problem, onDismiss }: { problem: SyncProblem | undefined; onDismiss: () => void }) {
  const connections = useConnections();
  const loaded = useMirror((s) => s.connectionsLoaded);
  const shown = connections.filter((c) => !c.hidden);
  const connected = shown.filter((c) => c.status.state === 'connected').length;
  return (
    <footer className="status-strip" aria-label="Tasks and alerts">
      <span className="status-strip-item" role="status">
        <Icon name="pool" />
        {loaded ? `${connected} of ${shown.length} ${shown.length === 1 ? 'server' : 'servers'} connected` : 'Loading connections…'}
      </span>
      <MasterFollowNotice />
      {problem && (
        <span className="status-strip-item status-strip-alert">
          <Icon name="alert" />
          <span>Problem {problem.what}:</span>
          <ErrorMessage error={problem.error} onDismiss={onDismiss} />
        </span>
      )}
    </footer>
  );
}

function DetailPane({ info }: { info: AppInfo | undefined }) {
  const store = useMirrorStoreApi();
  const connections = useConnections();
  const selection = useSelectionIds();
  const [homeTab, setHomeTab] = useState('home');
  // The first selected row that names an object or a connection is the one the tabs show.
  const target = selection.map(parseObjectId).find((t): t is Target => Boolean(t));
  if (!target) {
    return (
      <main className="app-detail" aria-label="Home">
        <header className="detail-header">
          <Icon name="home" />
          <span>Home</span>
        </header>
        <Tabs label="Views" tabs={[{ id: 'home', label: 'Home' }]} selected={homeTab} onSelect={setHomeTab}>
          <HomeView connections={[...connections]} info={info} onOpen={(id) => store.getState().select([connectionNodeId(id)])} />
        </Tabs>
      </main>
    );
  }
  return (
    <main className="app-detail">
      <ErrorBoundary region="the detail pane">
        <ObjectDetail target={target} count={selection.length} />
      </ErrorBoundary>
    </main>
  );
}

function Window() {
  const bridge = useBridge();
  const store = useMirrorStoreApi();
  const runner = useActionRunner();
  const [info, setInfo] = useState<AppInfo>();
  const [problem, setProblem] = useState<SyncProblem>();
  useActionKeys();
  useOpenRequests();
  useSelectParentOfVanished();
  useFollowMovedVms();

  useEffect(() => {
    let live = true;
    bridge.request('app.info', undefined).then(
      (i) => live && setInfo(i),
      (error: unknown) => live && setProblem({ what: 'reaching the XenDeck host', error }),
    );
    const stop = startMirrorSync(bridge, store, { onError: (error, what) => setProblem({ what, error }) });
    return () => {
      live = false;
      stop();
    };
  }, [bridge, store]);

  return (
    <div className="app">
      <WindowPanes
        render={(panes) => [
          <nav key="tree" className="app-sidebar" aria-label="Resources">
            <ErrorBoundary region="the resource tree">
              <ResourcePane
                menuFor={runner.menuEntries}
                dropVerdict={runner.dropVerdict}
                onActivate={() => document.querySelector<HTMLElement>('.app-detail [role="tab"][aria-selected="true"]')?.focus()}
              />
            </ErrorBoundary>
          </nav>,
          <DetailPane key="detail" info={info} />,
          <ErrorBoundary key="bottom" region="the task and alert panel">
            <BottomPanel collapsed={panes.bottom.collapsed} onToggle={panes.bottom.toggle} />
          </ErrorBoundary>,
        ]}
        toolbar={(panes) => (
          <Toolbar label="Main toolbar">
            <span className="toolbar-brand">
              <AppMark size={18} /> <span className="toolbar-brand-name">XenDeck</span>
            </span>
            <ToolbarSeparator />
            <ToolbarButton icon="home" label="Home" onClick={() => store.getState().select([])} />
            <ToolbarSeparator />
            <ActionToolbar />
            <ToolbarSpacer />
            <ToolbarToggle icon="sidebar" label="Resources pane" pressed={!panes.tree.collapsed} onToggle={panes.tree.toggle} />
            <ToolbarToggle icon="bottom-panel" label="Tasks and alerts pane" pressed={!panes.bottom.collapsed} onToggle={panes.bottom.toggle} />
          </Toolbar>
        )}
      />

      <StatusStrip problem={problem} onDismiss={() => setProblem(undefined)} />
    </div>
  );
}

/** An undocked console (see views/console/README.md): this page shows only that VM's console. */
function ConsoleWindow({ connectionId, vmRef }: { connectionId: string; vmRef: string }) {
  const bridge = useBridge();
  const store = useMirrorStoreApi();
  useEffect(() => startMirrorSync(bridge, store), [bridge, store]);
  const vm = useRecord(connectionId, 'VM', vmRef);
  const consoles = useMirror((s) => s.mirrors[connectionId]?.objects.console);
  if (!vm) return <p className="muted">Loading…</p>;
  const rfb = vm.consoles.map((c) => consoles?.get(c)).find((c) => c?.protocol === 'rfb');
  return (
    <div className="console-window">
      <ConsoleTab bridge={bridge} connectionId={connectionId} vmRef={vmRef} vmName={vm.name_label} powerState={vm.power_state} consoleLocation={rfb?.location} isControlDomain={vm.is_control_domain} undocked />
    </div>
  );
}

export function App() {
  const route = parseConsoleRouteHash(window.location.hash);
  return (
    <MirrorStoreProvider store={appStore}>
      <TooltipProvider>
        {route ? (
          <ConsoleWindow {...route} />
        ) : (
          <ActionHost>
            <Window />
          </ActionHost>
        )}
      </TooltipProvider>
    </MirrorStoreProvider>
  );
}
