/**
 * ConnectionManager: the backend's `ConnectionService`. One XapiClient per pool, each with its own
 * transport and trust-on-first-use policy; saved servers (SettingsStore, passwords in the SecretStore)
 * reconnect at start; the embedded demo pools are pre-trusted and can be hidden. Each pool's changes
 * are squashed and pushed as `mirror.batch` events at most ten times a second.
 *
 * Behaviour the UI can rely on:
 *  - `add` resolves once the pool is loaded. Before that it may emit `connections.certificatePrompt`
 *    and wait for `answerCertificate`. It rejects, in plain words with the code kept, when the server
 *    refuses the login, cannot be reached, is not a XAPI host or its certificate is refused; a failed
 *    `add` leaves nothing behind (the dialog stays open with the error).
 *  - A certificate that differs from its pin never connects: status `disconnected` with error
 *    CERTIFICATE_CHANGED [host, new, old], and a prompt carrying `previousFingerprint256`; only an
 *    explicit trust of the new fingerprint replaces the pin.
 *  - Retries (saved servers unreachable at start, dropped pools) show as `reconnecting` with the attempt
 *    and the wait before the next one, for as long as the client keeps trying.
 *  - A `reset` batch replaces everything the renderer holds of a connection (initial load; an empty
 *    one after disconnect, forget or hide). A big load comes as chunks (`more` on all but the last);
 *    modified records carry only the fields that changed (see MirrorBatch).
 */
import { randomUUID } from 'node:crypto';
import { assertPageMayCall } from '../../../shared/page-xapi-reach';
import { bridgeError, type BridgeErrorShape, type ConnectionInfo, type ConnectionStatus, type MirrorBatch } from '../../../shared/bridge';
import { baseUrlOf, hostKey } from '../../../shared/api-client/address';
import { systemClock } from '../../../shared/api-client/clock';
import type { ConnectionState } from '../../../shared/api-client/connection-state';
import { XapiClient, type XapiClientOptions } from '../../../shared/api-client/xapi-client';
import { ClientErrorCode, XapiError, isAuthenticationError } from '../../../shared/api-client/xapi-error';
import type { ConnectionService, ConnectionServiceDeps } from '../app-backend';
import type { Clock } from '../ports';
import { describeConnectionError } from './error-words';
import { MirrorBatcher } from './mirror-batcher';
import { MEGABYTE, NodeTransport, certificateHostKeyOfUrl, isCertificateError, type CertificateError, type PeerCertificate, type TrustAnswer } from './node-transport';
import { PinnedTrust, sameFingerprint } from './pinned-trust';
import { PoolTrust, type PoolMirror } from './pool-trust';
import type { SavedServer } from '../stores/settings-schema';

/** Saved servers, without passwords. */
export const SAVED_SERVERS_KEY = 'connections.servers';
/** Ids of demo connections the user hid. */
export const HIDDEN_DEMOS_KEY = 'connections.hiddenDemos';
/** The reply size cap, in MB (settings.json; README "Settings"). */
export const MAX_REPLY_MEGABYTES_KEY = 'connections.maxReplyMegabytes';
export const passwordKey = (id: string): string => `connection-password:${id}`;
export type { SavedServer };

export interface ConnectionManagerOptions extends ConnectionServiceDeps {
  /** Client tuning (tests shorten timeouts); url, user, password and transport are the manager's. */
  client?: Partial<Omit<XapiClientOptions, 'url' | 'user' | 'password' | 'transport'>>;
  /** Mirror batches per second and connection (default 10). */
  batchesPerSecond?: number;
  /** The transport's reply cap in bytes; by default the `connections.maxReplyMegabytes` setting, else 256 MB. */
  maxReplyBytes?: number;
}

interface CertificatePrompt {
  certificate: PeerCertificate;
  previous?: string;
  waiters: ((trusted: boolean) => void)[];
}

/** How long Forget waits for the client to log out before it drops the connection anyway. */
const FORGET_TEARDOWN_WAIT_MS = 3_000;

/** What the renderer sees of a connection (ConnectionInfo), plus what only the main process holds. */
interface Connection extends ConnectionInfo {
  members: string[];
  password?: string;
  /** The demo simulator's fingerprint: trusted without asking. */
  preTrusted?: string;
  client?: XapiClient;
  transport?: NodeTransport;
  trust?: PoolTrust;
  unsubscribe: (() => void)[];
  batcher: MirrorBatcher;
  prompt?: CertificatePrompt;
  /**
   * The user refused a certificate of this pool: its retries and member probes ask about none again
   * (that one, or another host's they meet meanwhile) until the user connects on purpose.
   */
  refused?: boolean;
}

export class ConnectionManager implements ConnectionService {
  private readonly connections = new Map<string, Connection>();
  private readonly clock: Clock;
  private hiddenDemos = new Set<string>();
  private maxReplyBytes: number | undefined;
  private disposed = false;
  /** Forgets still dropping pins and saved data: adding a server waits for them (a forgotten pin must not trust it). */
  private readonly forgetting = new Set<Promise<void>>();

  constructor(private readonly deps: ConnectionManagerOptions) {
    this.clock = deps.clock ?? systemClock;
  }

  async init(): Promise<void> {
    // The store hands out only what its schema accepts (stores/settings-schema.ts).
    const saved = (await this.deps.settings.get(SAVED_SERVERS_KEY)) ?? [];
    this.hiddenDemos = new Set((await this.deps.settings.get(HIDDEN_DEMOS_KEY)) ?? []);
    const megabytes = await this.deps.settings.get(MAX_REPLY_MEGABYTES_KEY);
    this.maxReplyBytes = this.deps.maxReplyBytes ?? (megabytes === undefined ? undefined : megabytes * MEGABYTE);
    for (const server of saved) {
      if (this.connections.has(server.id)) continue;
      const conn = this.newConnection({
        id: server.id, address: server.address, user: server.user, label: server.label || server.address,
        demo: false, remembered: true, hidden: Boolean(server.hidden), members: server.members ?? [],
      });
      conn.password = await this.deps.secrets.get(passwordKey(conn.id));
      if (conn.password === undefined) conn.status = { state: 'disconnected', error: this.describe(conn, new XapiError('PASSWORD_NEEDED', [conn.address])) };
      else if (!conn.hidden) this.startInBackground(conn);
      else conn.status = { state: 'disconnected' };
    }
    this.changed();
  }

  list(): ConnectionInfo[] {
    return [...this.connections.values()].map(infoOf);
  }

  async add(args: { address: string; user: string; password: string; remember: boolean }): Promise<ConnectionInfo> {
    let base: string;
    try {
      base = baseUrlOf(args.address);
      new URL(base); // a bare "IPv6" that is not one (a:b:) only fails here
    } catch {
      throw bridgeError('INVALID_ADDRESS', [args.address], `"${args.address}" is not a server address. Use a host name or IP, host:port, [IPv6]:port or an https:// URL.`);
    }
    await Promise.allSettled(this.forgetting);
    const existing = [...this.connections.values()].find((c) => !c.demo && c.user === args.user && sameBase(c.address, base));
    const conn = existing ?? this.newConnection({
      id: randomUUID(), address: args.address.trim(), user: args.user, label: args.address.trim(), demo: false, remembered: false, hidden: false, members: [],
    });
    if (existing) await this.stopClient(existing);
    conn.password = args.password;
    conn.status = { state: 'connecting' };
    this.changed();
    try {
      await this.establish(conn);
    } catch (err) {
      await this.stopClient(conn);
      const described = this.describe(conn, err);
      if (existing) conn.status = { state: 'disconnected', error: described };
      else this.connections.delete(conn.id);
      this.changed();
      throw bridgeError(described.code, described.params, described.message, described.method);
    }
    conn.remembered = args.remember;
    conn.hidden = false;
    if (args.remember) await this.deps.secrets.set(passwordKey(conn.id), args.password);
    else await this.deps.secrets.delete(passwordKey(conn.id));
    await this.persist();
    this.changed();
    return infoOf(conn);
  }

  async connect(id: string): Promise<void> {
    const conn = this.get(id);
    if (conn.password === undefined) {
      const described = this.describe(conn, new XapiError('PASSWORD_NEEDED', [conn.address]));
      throw bridgeError(described.code, described.params, described.message);
    }
    if (conn.client?.state.state === 'connected') return;
    // Connecting on purpose asks again about a certificate refused earlier.
    conn.refused = false;
    try {
      await this.start(conn);
    } catch (err) {
      // Certificates: the prompt is on its way. Retryable failures: the status shows the retries.
      if (isCertificateError(err) && err.code === ClientErrorCode.CERTIFICATE_UNKNOWN) return;
      if (!isFatal(err)) return;
      const described = this.describe(conn, err);
      throw bridgeError(described.code, described.params, described.message, described.method);
    }
  }

  async disconnect(id: string): Promise<void> {
    const conn = this.get(id);
    await this.stopClient(conn);
    conn.status = { state: 'disconnected' };
    this.changed();
  }

  async forget(id: string): Promise<void> {
    const conn = this.get(id);
    // The demo pools come back at every start: forgetting one hides it.
    if (conn.demo) return this.setHidden(id, true);
    // Read before the client stops (it knows the master in use and the members).
    const pinnedHosts = this.trustedHostsOf(conn);
    // Gone from the list, and from the window, at once: the logout and the disk follow. Waiting for them first
    // kept a forgotten pool in the tree for seconds (a logout to a host that changed its certificate hangs
    // up to FORGET_TEARDOWN_WAIT_MS, then several synced writes), long enough to be acted on again.
    this.connections.delete(id);
    conn.batcher.reset({});
    conn.batcher.flush();
    conn.batcher.dispose();
    this.changed();
    const cleanup = this.dropForgotten(conn, pinnedHosts);
    this.forgetting.add(cleanup);
    try {
      await cleanup;
    } finally {
      this.forgetting.delete(cleanup);
    }
  }

  /** The rest of Forget: the client's teardown (bounded), the saved password, pins no other connection uses, the saved list. */
  private async dropForgotten(conn: Connection, pinnedHosts: string[]): Promise<void> {
    // Forgetting is local: a session teardown that hangs on the network finishes in the background.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise((resolve) => (timer = setTimeout(resolve, FORGET_TEARDOWN_WAIT_MS)));
    await Promise.race([this.stopClient(conn), waited]).finally(() => clearTimeout(timer));
    await this.deps.secrets.delete(passwordKey(conn.id));
    // Its pinned certificates go too, so adding the server again asks again; a pin another connection
    // still uses (the same pool under another user) stays.
    const stillUsed = new Set([...this.connections.values()].flatMap((c) => this.trustedHostsOf(c)));
    for (const host of pinnedHosts) if (!stillUsed.has(host)) await this.deps.certificates.delete(host);
    await this.persist();
  }

  /** The host:port keys a connection's certificates may be pinned under: its address, its master in use, its members. */
  private trustedHostsOf(conn: Connection): string[] {
    if (conn.demo) return []; // pre-trusted, never pinned
    const urls = [conn.address, conn.client?.masterUrl, ...conn.members];
    const keys = new Set<string>();
    for (const url of urls) {
      if (!url) continue;
      try {
        const base = baseUrlOf(url);
        if (base.startsWith('https:')) keys.add(certificateHostKeyOfUrl(base));
      } catch {
        // Not an address (nothing can be pinned under it).
      }
    }
    return [...keys];
  }

  async setHidden(id: string, hidden: boolean): Promise<void> {
    const conn = this.get(id);
    if (conn.hidden === hidden) return;
    conn.hidden = hidden;
    if (conn.demo) {
      if (hidden) this.hiddenDemos.add(id);
      else this.hiddenDemos.delete(id);
      // A hidden demo costs nothing: its client stops, and starts again when shown.
      if (hidden) {
        await this.stopClient(conn);
        conn.status = { state: 'disconnected' };
      } else this.startInBackground(conn);
    }
    await this.persist();
    this.changed();
  }

  async answerCertificate(id: string, fingerprint256: string, trust: boolean): Promise<void> {
    const conn = this.get(id);
    const prompt = conn.prompt;
    // Trusting needs the very certificate the user was shown. A refusal stands whatever the pool showed
    // meanwhile: a retry or a member probe that met another host's certificate replaces the prompt while the
    // user reads the first one, and "Cancel" on it means "stop asking about this pool" all the same.
    if (trust) {
      if (!prompt || !sameFingerprint(prompt.certificate.fingerprint256, fingerprint256)) {
        throw bridgeError('CERTIFICATE_MISMATCH', [id, fingerprint256], 'This certificate is not the one waiting for an answer (the prompt is out of date). Connect again to see the current one.');
      }
      conn.prompt = undefined;
      conn.refused = false;
      await this.deps.certificates.set(prompt.certificate.host, prompt.certificate.fingerprint256);
    } else {
      conn.prompt = undefined;
      conn.refused = true;
      if (prompt) {
        conn.status = { state: 'disconnected', error: this.describe(conn, new XapiError('CERTIFICATE_REJECTED', [prompt.certificate.host, prompt.certificate.fingerprint256])) };
        this.changed();
      }
    }
    if (prompt?.waiters.length) for (const waiter of prompt.waiters) waiter(trust);
    else if (trust) this.startInBackground(conn); // a saved server asked at start: nobody waits, go on
  }

  async addDemo(demo: { label: string; url: string; user: string; password: string; fingerprint256: string }): Promise<ConnectionInfo> {
    const id = `demo-${demo.label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'pool'}`;
    const previous = this.connections.get(id);
    if (previous) await this.stopClient(previous);
    const conn = previous ?? this.newConnection({ id, address: demo.url, user: demo.user, label: demo.label, demo: true, remembered: false, hidden: this.hiddenDemos.has(id), members: [] });
    conn.address = demo.url;
    conn.user = demo.user;
    conn.password = demo.password;
    conn.preTrusted = demo.fingerprint256;
    if (conn.hidden) conn.status = { state: 'disconnected' };
    else this.startInBackground(conn);
    this.changed();
    return infoOf(conn);
  }

  snapshot(connectionId: string): MirrorBatch {
    const conn = this.get(connectionId);
    // Send what is pending first: later batches carry fields changed since the last batch, so the
    // snapshot must hold exactly what the batches sent so far lead to (a page replays those after it).
    conn.batcher.flush();
    const added = conn.client?.snapshot().added ?? {};
    return { connectionId, reset: true, added, modified: {}, removed: {} };
  }

  async call(connectionId: string, method: string, params: unknown[]): Promise<unknown> {
    const client = this.clientOf(connectionId);
    // The page's call: session ids, the event loop and stored secrets stay in this process (shared/page-xapi-reach.ts).
    assertPageMayCall(method);
    return client.call(method, ...params);
  }

  async callAsync(connectionId: string, method: string, params: unknown[]): Promise<string> {
    const client = this.clientOf(connectionId);
    assertPageMayCall(method);
    const plain = method.replace(/^Async\./, '');
    return client.startTask(plain, ...params);
  }

  async endpoint(connectionId: string): Promise<{ sessionId: string; pinnedFingerprint256: string; address: string }> {
    const conn = this.get(connectionId);
    const client = this.clientOf(connectionId);
    const sessionId = await client.session.sessionRef();
    const masterUrl = client.masterUrl;
    const pinned = masterUrl.startsWith('https:') ? await conn.trust?.fingerprintOf(certificateHostKeyOfUrl(masterUrl)) : undefined;
    return { sessionId, pinnedFingerprint256: pinned ?? '', address: new URL(masterUrl).host };
  }

  /**
   * Whether the connection trusts the certificate `fingerprint256` seen at `hostKey` (host:port): its
   * pins, and for pool members the fingerprints the pool publishes (pool-trust.ts). For the console
   * tunnel, which opens its own TLS connections to the host of a VM.
   */
  async verifyPeer(connectionId: string, hostKey: string, fingerprint256: string): Promise<TrustAnswer> {
    return (await this.connections.get(connectionId)?.trust?.check(hostKey, fingerprint256)) ?? 'unknown';
  }

  /**
   * The same for callers that know a connection only by the fingerprint `endpoint()` gave them for its
   * master (host HTTP requests: performance data): every connection whose master has that fingerprint decides.
   */
  async verifyPoolPeer(masterFingerprint256: string, hostKey: string, fingerprint256: string): Promise<TrustAnswer> {
    let answer: TrustAnswer = 'unknown';
    for (const conn of this.connections.values()) {
      const client = conn.client;
      if (!conn.trust || !client?.masterUrl.startsWith('https:')) continue;
      const master = (await conn.trust.fingerprintOf(certificateHostKeyOfUrl(client.masterUrl))) ?? '';
      if (!sameFingerprint(master, masterFingerprint256)) continue;
      const mine = await conn.trust.check(hostKey, fingerprint256);
      if (mine === 'trusted') return mine;
      if (typeof mine !== 'string') answer = mine;
    }
    return answer;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const all = [...this.connections.values()];
    await Promise.all(all.map((conn) => this.stopClient(conn)));
    for (const conn of all) conn.batcher.dispose();
  }

  // ---------------------------------------------------------------------------------------------

  private newConnection(fields: Pick<Connection, 'id' | 'address' | 'user' | 'label' | 'demo' | 'remembered' | 'hidden' | 'members'>): Connection {
    const conn: Connection = {
      ...fields,
      status: { state: 'disconnected' },
      unsubscribe: [],
      batcher: new MirrorBatcher(fields.id, this.clock, (batch) => this.deps.emit('mirror.batch', batch), this.deps.batchesPerSecond, undefined, (err) => void this.failed(conn, err)),
    };
    this.connections.set(conn.id, conn);
    return conn;
  }

  private get(id: string): Connection {
    const conn = this.connections.get(id);
    if (!conn) throw bridgeError('CONNECTION_NOT_FOUND', [id], `No connection ${id} (it was forgotten?)`);
    return conn;
  }

  private clientOf(id: string): XapiClient {
    const conn = this.get(id);
    if (!conn.client) throw bridgeError('NOT_CONNECTED', [id], `${conn.label} is not connected. Connect it first.`);
    return conn.client;
  }

  private createClient(conn: Connection): XapiClient {
    // Members are trusted by the certificates the pool publishes, read from this client's mirror (the
    // closure runs on the first TLS handshake, once `client` exists).
    const trust = new PoolTrust(new PinnedTrust(this.deps.certificates, conn.preTrusted), (): PoolMirror => client);
    const transport = new NodeTransport({ trust, maxReplyBytes: this.maxReplyBytes ?? this.deps.maxReplyBytes });
    const client = new XapiClient({
      // The task panel must see a finished task's result before the task is destroyed.
      finishedTaskTtlMs: 5_000,
      ...this.deps.client,
      url: conn.address,
      user: conn.user,
      password: conn.password ?? '',
      transport,
      members: conn.members,
      originator: 'XenDeck',
    });
    conn.trust = trust;
    conn.transport = transport;
    conn.client = client;
    conn.unsubscribe.push(
      client.onState((state) => this.onClientState(conn, client, state)),
      client.onChanges((changes, reason) => {
        if (reason === 'load') {
          conn.batcher.reset(client.snapshot().added);
          this.afterLoad(conn, client);
        } else conn.batcher.push(changes);
      }),
    );
    return client;
  }

  /** Starts (or resumes) the client; resolves once loaded, rejects with the first failure (the client may keep retrying). */
  private start(conn: Connection): Promise<void> {
    const client = conn.client ?? this.createClient(conn);
    return new Promise<void>((resolve, reject) => {
      const off = client.onError((err) => { off(); reject(err); });
      client.connect().then(
        () => { off(); resolve(); },
        (err: unknown) => { off(); reject(err); },
      );
    });
  }

  private startInBackground(conn: Connection): void {
    if (this.disposed) return;
    this.start(conn).catch(() => undefined); // failures show in the status; the client retries what can be retried
  }

  /** First contact: connect, asking about the certificate when needed; any failure stops the attempt. */
  private async establish(conn: Connection): Promise<void> {
    for (;;) {
      try {
        await this.start(conn);
        return;
      } catch (err) {
        if (!isCertificateError(err)) throw err;
        const trusted = await this.askAboutCertificate(conn, err);
        if (!trusted) throw new XapiError('CERTIFICATE_REJECTED', [err.certificate.host, err.certificate.fingerprint256]);
      }
    }
  }

  private askAboutCertificate(conn: Connection, err: CertificateError): Promise<boolean> {
    if (conn.refused) return Promise.resolve(false);
    this.promptFor(conn, err);
    return new Promise((resolve) => conn.prompt!.waiters.push(resolve));
  }

  /** Emits the trust prompt once per certificate (the state callback and `establish` both get here). */
  private promptFor(conn: Connection, err: CertificateError): void {
    if (conn.prompt && sameFingerprint(conn.prompt.certificate.fingerprint256, err.certificate.fingerprint256)) return;
    // Retries and member probes after a refusal (the refused certificate again, or on a pool whose hosts each
    // have one, another member's): the answer stands until the user connects.
    if (conn.refused) return;
    const waiters = conn.prompt?.waiters ?? [];
    const previous = err.code === ClientErrorCode.CERTIFICATE_CHANGED ? err.pinnedFingerprint256 ?? err.params[2] : undefined;
    conn.prompt = { certificate: err.certificate, previous, waiters };
    const { host, fingerprint256, subject, issuer, validFrom, validTo } = err.certificate;
    this.deps.emit('connections.certificatePrompt', {
      id: conn.id,
      certificate: { host, fingerprint256, subject, issuer, validFrom, validTo },
      ...(previous ? { previousFingerprint256: previous } : {}),
    });
  }

  private onClientState(conn: Connection, client: XapiClient, state: ConnectionState): void {
    if (conn.client !== client) return;
    conn.status = this.statusOf(conn, state);
    if (state.state === 'connected') {
      conn.masterAddress = new URL(client.masterUrl).host;
      const typed = safeHostKey(conn.address);
      conn.note = typed && typed !== conn.masterAddress ? `Connected through the pool master ${conn.masterAddress} (${conn.address} is not the master).` : undefined;
    }
    if (state.state === 'disconnected' && state.error && isCertificateError(state.error)) this.promptFor(conn, state.error);
    this.changed();
  }

  private statusOf(conn: Connection, state: ConnectionState): ConnectionStatus {
    switch (state.state) {
      case 'connecting':
      case 'connected':
        return { state: state.state };
      case 'reconnecting':
        return { state: 'reconnecting', attempt: state.attempt, nextRetryMs: state.nextRetryMs, error: state.error && this.describe(conn, state.error) };
      case 'disconnected':
        // Past the grace period the client still retries: show the retries rather than a dead end.
        if (state.retry) return { state: 'reconnecting', attempt: state.retry.attempt, nextRetryMs: state.retry.nextRetryMs, error: state.error && this.describe(conn, state.error) };
        return state.error ? { state: 'disconnected', error: this.describe(conn, state.error) } : { state: 'disconnected' };
    }
  }

  /** After a (re)load: the pool's name becomes the label, members are remembered for failover. */
  private afterLoad(conn: Connection, client: XapiClient): void {
    const pools = [...client.objects.records('pool').values()];
    let name = typeof pools[0]?.name_label === 'string' ? pools[0].name_label : '';
    if (!name && client.objects.size('host') === 1) {
      const host = [...client.objects.records('host').values()][0];
      name = typeof host.name_label === 'string' ? host.name_label : '';
    }
    const members = client.members();
    const labelChanged = !conn.demo && name !== '' && name !== conn.label;
    if (labelChanged) conn.label = name;
    const membersChanged = members.join() !== conn.members.join();
    conn.members = members;
    if ((labelChanged || membersChanged) && conn.remembered) void this.persist().catch(() => undefined);
    if (labelChanged) this.changed();
  }

  private async stopClient(conn: Connection): Promise<void> {
    const client = conn.client;
    for (const prompt of conn.prompt ? [conn.prompt] : []) for (const waiter of prompt.waiters) waiter(false);
    conn.prompt = undefined;
    for (const off of conn.unsubscribe.splice(0)) off();
    conn.client = undefined;
    if (client) {
      await client.disconnect().catch(() => undefined);
      conn.batcher.reset({});
    }
    conn.transport?.destroy();
    conn.transport = undefined;
    conn.trust = undefined;
    conn.masterAddress = undefined;
    conn.note = undefined;
  }

  /** Something went wrong outside any call (a batch for the page could not be sent): stop, and say why in the status. */
  private async failed(conn: Connection, err: unknown): Promise<void> {
    if (this.connections.get(conn.id) !== conn) return;
    await this.stopClient(conn).catch(() => undefined);
    const error = err instanceof XapiError ? err : new XapiError('INTERNAL_ERROR', [conn.address, err instanceof Error ? err.message : String(err)], undefined,
      `XenDeck stopped the connection: the pool's data could not be passed to the window (${err instanceof Error ? err.message : String(err)}). Connect again to reload it.`);
    conn.status = { state: 'disconnected', error: this.describe(conn, error) };
    this.changed();
  }

  private async persist(): Promise<void> {
    const servers: SavedServer[] = [...this.connections.values()]
      .filter((c) => !c.demo && c.remembered)
      .map((c) => ({ id: c.id, address: c.address, user: c.user, label: c.label, hidden: c.hidden, members: c.members }));
    await this.deps.settings.set(SAVED_SERVERS_KEY, servers);
    await this.deps.settings.set(HIDDEN_DEMOS_KEY, [...this.hiddenDemos]);
  }

  private describe(conn: Connection, err: unknown): BridgeErrorShape {
    return describeConnectionError(err, conn.demo ? conn.label : conn.address);
  }

  private changed(): void {
    if (!this.disposed) this.deps.emit('connections.changed', this.list());
  }
}

function infoOf(conn: Connection): ConnectionInfo {
  const info: ConnectionInfo = {
    id: conn.id,
    address: conn.address,
    user: conn.user,
    label: conn.label,
    demo: conn.demo,
    remembered: conn.remembered,
    hidden: conn.hidden,
    status: conn.status,
  };
  if (conn.masterAddress) info.masterAddress = conn.masterAddress;
  if (conn.note) info.note = conn.note;
  return info;
}

/** Failures retrying cannot fix (the client stopped): reported to the caller of connect(). */
function isFatal(err: unknown): boolean {
  return isAuthenticationError(err) || isCertificateError(err);
}

function sameBase(address: string, base: string): boolean {
  try {
    return baseUrlOf(address) === base;
  } catch {
    return false;
  }
}

function safeHostKey(address: string): string | undefined {
  try {
    return hostKey(baseUrlOf(address));
  } catch {
    return undefined;
  }
}
