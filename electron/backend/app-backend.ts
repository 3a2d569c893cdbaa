/**
 * The composition root of the backend, shared by both runtimes: electron/main.ts (IPC) and
 * electron/web-host-main.ts (browser mode) each build the platform ports (secrets, shell, state folder)
 * and call `createAppBackend`, which wires the services and maps every Bridge request to one of them.
 * It also starts the embedded demo simulator and registers its pools as Demo connections.
 *
 * Plain Node: no `electron` import; the platform comes in through `AppBackendOptions`.
 */
import { join } from 'node:path';
import type { AppInfo, ConnectionInfo, MirrorBatch } from '../../shared/bridge';
import { createBridgeHost, EventHub, type BridgeHandlers, type BridgeHost } from './bridge-host';
import { bridgeError } from '../../shared/bridge';
import { ConsoleTunnelService, type OpenConsoleSocket } from './console-tunnel/console-tunnel';
import { xapiConsoleOpener, type ConsoleConnectionPort } from './console-tunnel/xapi-console-opener';
import { OpenRequestQueue } from './open-requests';
import type { CertificateStore, Clock, EmitEvent, SecretStore, SettingsStore } from './ports';
import { startDemoPools, type DemoPools } from './demo-pools';
import { MetricsService } from './metrics/metrics-service';
import { HostHttp, type VerifyPoolPeer } from './metrics/host-http';
import { consoleHandlers, metricsHandlers } from './page-state-handlers';
import { snapshotHandler } from './snapshot-handler';
import { openStateFolder } from './state-folder';
import { systemClock } from '../../shared/api-client/clock';

/** What the backend needs of the connection manager (electron/backend/connections/). */
export interface ConnectionService extends ConsoleConnectionPort {
  init(): Promise<void>;
  list(): ConnectionInfo[] | Promise<ConnectionInfo[]>;
  add(args: { address: string; user: string; password: string; remember: boolean }): Promise<ConnectionInfo>;
  connect(id: string): Promise<void>;
  disconnect(id: string): Promise<void>;
  forget(id: string): Promise<void>;
  setHidden(id: string, hidden: boolean): Promise<void>;
  answerCertificate(id: string, fingerprint256: string, trust: boolean): Promise<void>;
  addDemo(demo: { label: string; url: string; user: string; password: string; fingerprint256: string }): Promise<unknown>;
  snapshot(connectionId: string): MirrorBatch | Promise<MirrorBatch>;
  callAsync(connectionId: string, method: string, params: unknown[]): Promise<string>;
  /** Trust of pool members' own certificates for host HTTP requests (connections/pool-trust.ts). */
  verifyPoolPeer?: VerifyPoolPeer;
  dispose(): Promise<void> | void;
}

export interface ConnectionServiceDeps {
  secrets: SecretStore;
  certificates: CertificateStore;
  settings: SettingsStore;
  emit: EmitEvent;
  clock?: Clock;
}

/** Opens https URLs outside the app. Electron: a vetted shell.openExternal; browser mode: not available. */
export interface ShellPort {
  openExternal(url: string): Promise<void>;
}

export interface AppBackendOptions {
  mode: AppInfo['mode'];
  version: string;
  /** Per-user state folder (settings, pins, secrets, the demo simulator's certificate). */
  stateDir: string;
  secrets: SecretStore;
  certificates: CertificateStore;
  settings: SettingsStore;
  shell: ShellPort;
  createConnections: (deps: ConnectionServiceDeps) => ConnectionService;
  /** Whether a page origin may open console tunnels (`app://xendeck`, or the web host's origin). */
  isPageOrigin: (origin: string | undefined) => boolean;
  /** Start the embedded demo simulator and add its pools (default true). */
  demo?: boolean;
  /** Where log lines go (the Electron main process or the web host's stdout). */
  log?: (line: string) => void;
  /** The console listener when the caller bound it first (Electron: its port is in the CSP of a page that loads before the backend is ready). */
  consoleListener?: ConsoleListener;
  /** What the OS asked the app to open (Electron); browser mode has none. */
  openRequests?: OpenRequestQueue;
}

/**
 * The console tunnel's loopback listener, bound before the rest of the backend: its one port goes into the
 * page's Content-Security-Policy (`connect-src`), so it must be known before the first page is served.
 * Consoles open only through Bridge requests, which the backend answers after `attach`.
 */
export interface ConsoleListener {
  service: ConsoleTunnelService;
  port: number;
  attach(open: OpenConsoleSocket): void;
}

export async function listenForConsoles(isPageOrigin: (origin: string | undefined) => boolean): Promise<ConsoleListener> {
  let opener: OpenConsoleSocket | undefined;
  const service = new ConsoleTunnelService({
    openConsoleSocket: (connectionId, vmRef) => (opener ? opener(connectionId, vmRef) : Promise.reject(bridgeError('CONSOLE_NOT_READY', [], 'XenDeck is still starting'))),
    isOriginAllowed: isPageOrigin,
  });
  await service.start();
  return { service, port: service.listeningPort, attach: (open) => void (opener = open) };
}

export interface AppBackend extends BridgeHost {
  info: AppInfo;
  /** The console tunnel's port on 127.0.0.1: the page's CSP allows WebSockets to this port only. */
  consoleTunnelPort: number;
  /** The running demo simulator, if any (tests use its fault injection). */
  demo: DemoPools | undefined;
  dispose(): Promise<void>;
}

/**
 * Takes the state folder first (state-folder.ts): rejects with StateFolderInUseError, naming the process
 * that holds it, when another backend runs on the same folder. The stores must not have been read yet.
 */
export async function createAppBackend(options: AppBackendOptions): Promise<AppBackend> {
  const folder = await openStateFolder(options.stateDir, { log: options.log });
  try {
    return await startServices(options, folder.release);
  } catch (err) {
    await folder.release();
    throw err;
  }
}

async function startServices(options: AppBackendOptions, releaseFolder: () => Promise<void>): Promise<AppBackend> {
  const events = new EventHub();
  const connections = options.createConnections({
    secrets: options.secrets,
    certificates: options.certificates,
    settings: options.settings,
    emit: events.emit,
  });
  await connections.init();

  const consoleListener = options.consoleListener ?? (await listenForConsoles(options.isPageOrigin));
  consoleListener.attach(xapiConsoleOpener(connections));
  const consoles = consoleListener.service;
  const openRequests = options.openRequests ?? new OpenRequestQueue();
  openRequests.connect(events.emit);

  // Members' RRDs are served with their own certificates: trusted by what their pool publishes.
  const verifyPoolPeer = connections.verifyPoolPeer?.bind(connections);
  const http = new HostHttp({ verifyPeer: verifyPoolPeer });
  const metrics = new MetricsService({ connections, http, emit: (update) => events.emit('metrics.update', update), log: options.log });

  let demo: DemoPools | undefined;
  if (options.demo ?? true) {
    try {
      demo = await startDemoPools(join(options.stateDir, 'demo-simulator'));
      for (const pool of demo.pools) await connections.addDemo(pool);
    } catch (err) {
      // The app stays useful for real pools when the demo cannot start (a port or loopback address refused).
      options.log?.(`The demo pools could not start: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  const info: AppInfo = {
    name: 'XenDeck',
    version: options.version,
    mode: options.mode,
    platform: process.platform,
    secretStorage: options.secrets.kind,
  };

  const handlers: BridgeHandlers = {
    'app.info': async () => info,
    'app.takeOpenRequests': async () => openRequests.take(),
    'connections.list': async () => connections.list(),
    'connections.add': (a) => connections.add(a),
    'connections.connect': (a) => connections.connect(a.id),
    'connections.disconnect': (a) => connections.disconnect(a.id),
    'connections.forget': (a) => connections.forget(a.id),
    'connections.setHidden': (a) => connections.setHidden(a.id, a.hidden),
    'connections.answerCertificate': (a) => connections.answerCertificate(a.id, a.fingerprint256, a.trust),
    // In chunks of about 1 MB, the rest held for the page that asked (snapshot-handler.ts).
    ...snapshotHandler(connections, systemClock),
    'xapi.call': (a) => connections.call(a.connectionId, a.method, a.params),
    'xapi.callAsync': (a) => connections.callAsync(a.connectionId, a.method, a.params),
    'shell.openExternal': (a) => options.shell.openExternal(a.url),
    // Held by the page that asked, and released when it goes (page-state-handlers.ts).
    ...consoleHandlers(consoles),
    ...metricsHandlers(metrics),
  };

  const host = createBridgeHost(handlers, events, { log: options.log });
  return {
    ...host,
    info,
    consoleTunnelPort: consoleListener.port,
    demo,
    async dispose() {
      try {
        await consoles.stop();
        await metrics.dispose();
        await connections.dispose();
        await demo?.stop();
      } finally {
        await releaseFolder();
      }
    },
  };
}
