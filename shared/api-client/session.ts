/**
 * A XAPI session on a pool: login on the master, HOST_IS_SLAVE redirects, one re-login on
 * SESSION_INVALID, HOST_STILL_BOOTING retries, and failover: when the master stops answering, probe
 * every remembered pool member in parallel to find the new master (CLIENT-NOTES §1.4, §7.7-8).
 * Never fails over or retries on an authentication error. The session ref never leaves this object.
 */
import { siblingUrl, baseUrlOf } from './address';
import { sleep, systemClock, type Clock } from './clock';
import { RpcChannel, type RpcProtocol } from './rpc-channel';
import type { Transport } from './transport';
import { ClientErrorCode, XapiError, isAuthenticationError, isXapiError } from './xapi-error';

export interface SessionOptions {
  /** Address or URL of the pool (any member: HOST_IS_SLAVE leads to the master). */
  url: string;
  user: string;
  password: string;
  transport: Transport;
  protocol?: 'auto' | RpcProtocol;
  clock?: Clock;
  /** session.login_with_password's originator, shown in xapi's logs and session records. */
  originator?: string;
  /** The API version we speak, sent at login. */
  apiVersion?: string;
  /** HTTP timeout of ordinary calls. */
  callTimeoutMs?: number;
  /** HTTP timeout of each failover probe. */
  probeTimeoutMs?: number;
  /** Wait between attempts while a host answers HOST_STILL_BOOTING, and how many attempts. */
  bootingRetryMs?: number;
  bootingRetries?: number;
  /** Pool member addresses remembered from an earlier run. */
  members?: readonly string[];
}

export interface SessionCallOptions {
  timeoutMs?: number;
  lane?: 'call' | 'events';
  signal?: AbortSignal;
  /** The result is a get_all_records map: over JSON-RPC keep its records as text (RawRecord). */
  recordsAsText?: boolean;
}

const MAX_REDIRECTS = 4;

export class Session {
  private base: string;
  private ref: string | undefined;
  private opening: Promise<string> | undefined;
  private readonly members = new Set<string>();
  private readonly rpc: RpcChannel;
  private readonly clock: Clock;
  private twoArgumentLogin = false;
  private closed = new AbortController();
  /** Bumped on every successful login: lets the event loop notice that it must resync. */
  generation = 0;

  constructor(private readonly options: SessionOptions) {
    this.base = baseUrlOf(options.url);
    this.rpc = new RpcChannel(options.transport, options.protocol ?? 'auto');
    this.clock = options.clock ?? systemClock;
    for (const address of options.members ?? []) this.addMember(address);
  }

  /** Base URL of the master in use. */
  get masterUrl(): string {
    return this.base;
  }

  get protocol(): RpcProtocol | undefined {
    return this.rpc.protocol;
  }

  get loggedIn(): boolean {
    return this.ref !== undefined;
  }

  /** Pool members' addresses (host.address), kept for failover. */
  setMembers(addresses: readonly string[]): void {
    this.members.clear();
    for (const address of addresses) this.addMember(address);
  }

  knownMembers(): string[] {
    return [...this.members];
  }

  private addMember(address: string): void {
    if (address) this.members.add(siblingUrl(this.base, address));
  }

  /** Logs in (following HOST_IS_SLAVE) unless a session is open already. */
  async login(): Promise<void> {
    await this.ensureSession();
  }

  /** A call on the session: the session ref goes first; re-login once on SESSION_INVALID. */
  async call(method: string, params: readonly unknown[] = [], options: SessionCallOptions = {}): Promise<unknown> {
    let ref = await this.ensureSession();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.rpc.call(this.base, method, [ref, ...params], this.rpcOptions(options));
      } catch (err) {
        if (attempt > 0 || this.closed.signal.aborted) throw err;
        if (isXapiError(err, 'SESSION_INVALID')) {
          ref = await this.relogin(ref);
          continue;
        }
        if (isXapiError(err, 'HOST_IS_SLAVE') && err.params[0]) {
          // The master was demoted while we held a session on it: go to the one it names.
          this.base = siblingUrl(this.base, err.params[0]);
          ref = await this.relogin(ref);
          continue;
        }
        throw err;
      }
    }
  }

  /**
   * The session ref, logging in if needed. Only for main-process code that must hand it to XAPI's
   * HTTP handlers itself (the console tunnel's CONNECT); it never goes to the renderer.
   */
  sessionRef(): Promise<string> {
    return this.ensureSession();
  }

  /** Calls that take no session (`system.listMethods`). */
  callWithoutSession(method: string, params: readonly unknown[] = [], options: SessionCallOptions = {}): Promise<unknown> {
    return this.rpc.call(this.base, method, params, this.rpcOptions(options));
  }

  /**
   * The master stopped answering: try it again and every other known member at once. The first
   * host that accepts the login (directly, or after HOST_IS_SLAVE) becomes the master in use.
   */
  async reconnect(): Promise<void> {
    this.ref = undefined;
    const candidates = [this.base, ...[...this.members].filter((m) => m !== this.base)];
    const winner = await probeAll(
      candidates.map((url) => () => this.openOn(url, this.options.probeTimeoutMs ?? 10_000)),
      // Several members may lead to the master: log the spare sessions out.
      (spare) => void this.rpc.call(spare.url, 'session.logout', [spare.ref], { timeoutMs: 5_000 }).catch(() => undefined),
      () => new XapiError(ClientErrorCode.NO_MASTER_FOUND, candidates, 'session.login_with_password', `No pool member answered as master (${candidates.join(', ')})`),
    );
    this.adopt(winner.url, winner.ref);
  }

  async logout(): Promise<void> {
    const ref = this.ref;
    this.ref = undefined;
    if (ref) await this.rpc.call(this.base, 'session.logout', [ref], { timeoutMs: 5_000 }).catch(() => undefined);
  }

  /** Stops every call in flight (they reject with ABORTED) and logs out. */
  async close(): Promise<void> {
    // Calls in flight stop first (a login still probing pool members must not hold up a disconnect);
    // the logout does not use that signal, so it still reaches the server.
    this.closed.abort();
    await this.logout();
  }

  /** Allows calls again after close() (a user reconnecting a connection). */
  reopen(): void {
    if (this.closed.signal.aborted) this.closed = new AbortController();
  }

  private rpcOptions(options: SessionCallOptions) {
    const signal = options.signal ? anySignal(options.signal, this.closed.signal) : this.closed.signal;
    return { timeoutMs: options.timeoutMs ?? this.options.callTimeoutMs ?? 120_000, lane: options.lane, signal, recordsAsText: options.recordsAsText };
  }

  private ensureSession(): Promise<string> {
    if (this.ref) return Promise.resolve(this.ref);
    if (!this.opening) {
      this.opening = this.openOn(this.base, this.options.callTimeoutMs ?? 30_000)
        .then(({ url, ref }) => this.adopt(url, ref))
        .finally(() => { this.opening = undefined; });
    }
    return this.opening;
  }

  /** Concurrent SESSION_INVALIDs share one login; a call that failed on an older session just retries. */
  private relogin(failedRef: string): Promise<string> {
    if (this.ref === failedRef) this.ref = undefined;
    return this.ensureSession();
  }

  private adopt(url: string, ref: string): string {
    this.base = url;
    this.ref = ref;
    this.generation++;
    return ref;
  }

  /** Logs in on `url`, following HOST_IS_SLAVE and waiting out HOST_STILL_BOOTING. */
  private async openOn(start: string, timeoutMs: number): Promise<{ url: string; ref: string }> {
    let url = start;
    let booting = 0;
    for (let hop = 0; hop <= MAX_REDIRECTS; ) {
      try {
        const ref = await this.rpc.call(url, 'session.login_with_password', this.loginParams(), { timeoutMs, signal: this.closed.signal });
        if (typeof ref !== 'string') throw new XapiError(ClientErrorCode.MALFORMED_REPLY, ['session.login_with_password', 'session ref is not a string']);
        return { url, ref };
      } catch (err) {
        if (isXapiError(err, 'HOST_IS_SLAVE') && err.params[0]) {
          url = siblingUrl(url, err.params[0]);
          hop++;
          continue;
        }
        if (isXapiError(err, 'MESSAGE_PARAMETER_COUNT_MISMATCH') && !this.twoArgumentLogin) {
          this.twoArgumentLogin = true; // pre-6.x hosts know only (uname, pwd)
          continue;
        }
        if (isXapiError(err, 'HOST_STILL_BOOTING') && booting < (this.options.bootingRetries ?? 12) && !this.closed.signal.aborted) {
          booting++;
          await sleep(this.clock, this.options.bootingRetryMs ?? 5_000, this.closed.signal);
          continue;
        }
        throw err;
      }
    }
    throw new XapiError('HOST_IS_SLAVE', [url], 'session.login_with_password', `Too many HOST_IS_SLAVE redirects, last to ${url}`);
  }

  private loginParams(): unknown[] {
    const { user, password } = this.options;
    return this.twoArgumentLogin ? [user, password] : [user, password, this.options.apiVersion ?? '1.1', this.options.originator ?? 'XenDeck'];
  }
}

/**
 * First success wins; an authentication failure anywhere stops the search (the password is wrong
 * for the whole pool, trying other members would only lock the account); if every probe fails the
 * most telling error is thrown.
 */
function probeAll<T>(probes: (() => Promise<T>)[], onSpare: (value: T) => void, noneFound: () => XapiError): Promise<T> {
  return new Promise((resolve, reject) => {
    let pending = probes.length;
    let settled = false;
    const errors: unknown[] = [];
    for (const probe of probes) {
      probe().then(
        (value) => {
          if (settled) return onSpare(value);
          settled = true;
          resolve(value);
        },
        (err) => {
          errors.push(err);
          if (settled) return;
          if (isAuthenticationError(err) || isXapiError(err, ClientErrorCode.CERTIFICATE_CHANGED) || isXapiError(err, ClientErrorCode.CERTIFICATE_UNKNOWN)) {
            settled = true;
            reject(err);
            return;
          }
          if (--pending === 0) {
            settled = true;
            const refusal = errors.find((e) => e instanceof XapiError && !isTransportLevel(e));
            reject(refusal ?? noneFound());
          }
        },
      );
    }
  });
}

const isTransportLevel = (err: XapiError): boolean =>
  err.code === ClientErrorCode.CONNECTION_FAILED || err.code === ClientErrorCode.TIMEOUT || err.code === ClientErrorCode.ABORTED || err.code === ClientErrorCode.HTTP_ERROR;

function anySignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (a.aborted) return a;
  if (b.aborted) return b;
  const controller = new AbortController();
  const abort = () => controller.abort();
  a.addEventListener('abort', abort, { once: true });
  b.addEventListener('abort', abort, { once: true });
  return controller.signal;
}
