/**
 * The Bridge: the one contract between the renderer and the main process.
 *
 * Every request the UI can make (with its argument and result types) and every event it can
 * receive is declared here once. Electron IPC (electron/preload.ts + electron/ipc.ts) and the
 * browser-mode WebSocket (electron/web-host.ts) both implement it; the renderer cannot tell
 * which one it has. Arguments are validated at the main-process side with the zod schemas below,
 * so a compromised renderer cannot hand the backend anything it does not expect.
 *
 * Rule of the data flow: the renderer never sees a password or a XAPI session id.
 */
import { z } from 'zod';
import type { OpenRequest } from './open-request';

/** A XAPI failure as it travels end to end: XAPI's code and parameters, and the method that failed. */
export interface BridgeErrorShape {
  code: string;
  params: string[];
  method?: string;
  message: string;
}

export const connectionIdSchema = z.string().min(1).max(128);

export type ConnectionStatus =
  | { state: 'connecting' }
  | { state: 'connected' }
  | { state: 'reconnecting'; attempt: number; nextRetryMs?: number; error?: BridgeErrorShape }
  | { state: 'disconnected'; error?: BridgeErrorShape };

/** What the renderer knows of a connection: never the password, never the session. */
export interface ConnectionInfo {
  id: string;
  /** Address as the user typed it (host, host:port, [v6]:port, or a URL). */
  address: string;
  user: string;
  /** Name to show before the pool record arrives (then the pool's name_label wins). */
  label: string;
  /** True for the embedded simulator's demo pools. */
  demo: boolean;
  remembered: boolean;
  hidden: boolean;
  status: ConnectionStatus;
  /** Address of the master actually in use, after HOST_IS_SLAVE redirects and failover. */
  masterAddress?: string;
  /** A note for the user, e.g. "Redirected to the pool master 10.0.0.1". */
  note?: string;
}

/** A certificate seen on first contact, for the trust-on-first-use prompt. */
export interface CertificateInfo {
  host: string;
  fingerprint256: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
}

/**
 * One squashed batch of changes of one connection's mirror, keyed by class then ref. Applied in one
 * store update: `removed` first, then `added` and `modified` (a batch never names one ref in two of them).
 */
export interface MirrorBatch {
  connectionId: string;
  /** True when this batch replaces everything known of the connection (initial load, resync). */
  reset?: boolean;
  /**
   * True when the next batches of this connection continue this one: a big batch (a pool's first load)
   * is cut into chunks sent back to back, each small enough to parse at once. A load (`reset`) is
   * complete at the first batch without `more`; until then the pool is not loaded.
   */
  more?: boolean;
  /**
   * Full records; a ref the renderer already holds is replaced by the record as is. In the main
   * process a record may still be a RawRecord (the JSON text it was loaded as): the transports write
   * its text as it is (stringifyWithRawRecords), so the page always receives objects.
   */
  added: Record<string, Record<string, unknown>>;
  /**
   * Partial records: only the top-level fields that changed since the last batch, to merge into the
   * record the renderer holds (`{ ...held, ...partial }`). A ref the renderer does not hold gets the
   * full record. An index key field (a VM's `resident_on`) is there only when it changed.
   */
  modified: Record<string, Record<string, unknown>>;
  removed: Record<string, string[]>;
}

/**
 * One chunk of what a pool's mirror holds, for a page that joins late (a reload). A 5,000-VM pool is
 * about 40 MB: it comes, like a load's batches, in chunks of about 1 MB, so the page never parses or
 * applies it all at once. The first chunk has `reset`; while a chunk has `more`, its `cursor` asks for
 * the next one. All chunks are cut from one snapshot taken at the first request.
 */
export interface MirrorSnapshotChunk extends MirrorBatch {
  cursor?: string;
}

const addConnectionArgs = z.object({
  address: z.string().min(1).max(512),
  user: z.string().min(1).max(256),
  password: z.string().max(4096),
  remember: z.boolean(),
});

const callArgs = z.object({
  connectionId: connectionIdSchema,
  method: z.string().regex(/^(Async\.)?[A-Za-z_]+\.[A-Za-z_]+$/),
  params: z.array(z.unknown()).max(64),
});

/** Requests: name → argument schema and result type. */
export const requestSchemas = {
  'app.info': z.undefined(),
  /** What the operating system asked the app to open (xendeck:// links, .xva/.ova files), oldest first; each is given once. */
  'app.takeOpenRequests': z.undefined(),
  'connections.list': z.undefined(),
  'connections.add': addConnectionArgs,
  'connections.connect': z.object({ id: connectionIdSchema }),
  'connections.disconnect': z.object({ id: connectionIdSchema }),
  'connections.forget': z.object({ id: connectionIdSchema }),
  'connections.setHidden': z.object({ id: connectionIdSchema, hidden: z.boolean() }),
  'connections.answerCertificate': z.object({ id: connectionIdSchema, fingerprint256: z.string().max(200), trust: z.boolean() }),
  /** Without `cursor`: the pool's first chunk. With the `cursor` of an answer that has `more`: the next one. */
  'mirror.snapshot': z.object({ connectionId: connectionIdSchema, cursor: z.string().min(1).max(64).optional() }),
  /** A XAPI call on the connection's session; the session id is added by the main process. */
  'xapi.call': callArgs,
  /** An Async.* call: resolves with the task ref at once; progress comes through mirror events. */
  'xapi.callAsync': callArgs,
  'shell.openExternal': z.object({ url: z.string().url().max(2048) }),
  /** A one-time loopback WebSocket URL for the VM's (or control domain's) RFB console; the main process holds the session. */
  'console.open': z.object({ connectionId: connectionIdSchema, vmRef: z.string().regex(/^OpaqueRef:[\w-]+$/).max(128) }),
  /** Closes the tunnel of a console view (it unmounted or undocked). */
  'console.close': z.object({ tunnelId: z.string().min(1).max(64) }),
  /** Performance data of a host or VM for one range; updates arrive as `metrics.update` events. */
  'metrics.subscribe': z.object({
    connectionId: connectionIdSchema,
    objectClass: z.enum(['host', 'VM']),
    ref: z.string().regex(/^OpaqueRef:[\w-]+$/).max(128),
    range: z.enum(['live', 'hours', 'week', 'year']),
    visible: z.boolean(),
  }),
  /** A chart scrolled out of view or its tab hidden: its polling pauses (and resumes when visible again). */
  'metrics.setVisible': z.object({ subscriptionId: z.string().min(1).max(64), visible: z.boolean() }),
  'metrics.unsubscribe': z.object({ subscriptionId: z.string().min(1).max(64) }),
} as const;

export interface AppInfo {
  name: string;
  version: string;
  mode: 'electron' | 'browser';
  platform: string;
  /** In browser mode, secrets are kept in a file readable only by the user: the UI says so. */
  secretStorage: 'os-keychain' | 'user-file';
}

export interface RequestResults {
  'app.info': AppInfo;
  'app.takeOpenRequests': OpenRequest[];
  'connections.list': ConnectionInfo[];
  'connections.add': ConnectionInfo;
  'connections.connect': void;
  'connections.disconnect': void;
  'connections.forget': void;
  'connections.setHidden': void;
  'connections.answerCertificate': void;
  'mirror.snapshot': MirrorSnapshotChunk;
  'xapi.call': unknown;
  'xapi.callAsync': string;
  'shell.openExternal': void;
  'console.open': ConsoleTicket;
  'console.close': void;
  'metrics.subscribe': { subscriptionId: string };
  'metrics.setVisible': void;
  'metrics.unsubscribe': void;
}

/**
 * One subscription's data, the whole window each time (oldest first). Values are plain arrays with null for
 * "no data" (NaN and Infinity from the host): that crosses IPC and the browser-mode JSON WebSocket alike and is
 * what uPlot draws as a gap.
 */
export interface MetricsUpdate {
  subscriptionId: string;
  /** `ok` with data; `halted`: a VM that is not running has no live data; `error`: the last fetch failed (data kept). */
  state: 'ok' | 'halted' | 'error';
  /** The step the host actually served (meta.step); may be coarser than the range's. */
  step: number;
  /** Row times, seconds, oldest first. */
  times: number[];
  /** Data sources of the object, by xcp-rrdd name (cpu0, memory, vif_0_rx…). */
  series: { name: string; values: (number | null)[] }[];
  /** The host whose archive served the data (a VM's resident host). */
  hostRef?: string;
  error?: BridgeErrorShape;
}

/** Where noVNC connects: `ws://127.0.0.1:PORT/console/<tunnelId>?token=…`, valid once, subprotocol `binary`. */
export interface ConsoleTicket {
  tunnelId: string;
  url: string;
}

export type RequestName = keyof typeof requestSchemas;
export type RequestArgs<N extends RequestName> = z.infer<(typeof requestSchemas)[N]>;
export type RequestResult<N extends RequestName> = RequestResults[N];

/** Events: name → payload. */
export interface BridgeEvents {
  /** Something waits in `app.takeOpenRequests`. */
  'app.openRequest': { pending: number };
  'connections.changed': ConnectionInfo[];
  'connections.certificatePrompt': { id: string; certificate: CertificateInfo; previousFingerprint256?: string };
  'mirror.batch': MirrorBatch;
  /**
   * Browser mode: the page had stopped reading and has caught up (electron/bridge-socket.ts). The host dropped
   * the mirror batches of `connectionIds` meanwhile: the page loads those pools again (`mirror.snapshot`), and
   * retries any request refused with BRIDGE_PAGE_BEHIND. Sent on every catch-up, with an empty list if no batch was dropped.
   */
  'mirror.resync': { connectionIds: string[] };
  'metrics.update': MetricsUpdate;
}
export type EventName = keyof BridgeEvents;

/** What the renderer holds: the same shape over IPC and over the WebSocket. */
export interface Bridge {
  request<N extends RequestName>(name: N, args: RequestArgs<N>): Promise<RequestResult<N>>;
  on<E extends EventName>(event: E, listener: (payload: BridgeEvents[E]) => void): () => void;
}

/** Validates a request coming from a renderer; throws a BridgeError-shaped error if it does not fit. */
export function parseRequest<N extends RequestName>(name: string, args: unknown): { name: N; args: RequestArgs<N> } {
  if (!Object.hasOwn(requestSchemas, name)) throw bridgeError('BRIDGE_UNKNOWN_REQUEST', [name], `Unknown request ${name}`);
  const parsed = requestSchemas[name as N].safeParse(args);
  if (!parsed.success) throw bridgeError('BRIDGE_INVALID_ARGUMENTS', [name, parsed.error.message], `Invalid arguments for ${name}`);
  return { name: name as N, args: parsed.data as RequestArgs<N> };
}

export function bridgeError(code: string, params: string[], message: string, method?: string): BridgeErrorShape & Error {
  return Object.assign(new Error(message), { code, params, method, message });
}
