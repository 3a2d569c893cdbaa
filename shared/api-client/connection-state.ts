/**
 * Connection state as an observable. A failing connection first shows `reconnecting` (with the
 * attempt and the next retry) and only becomes `disconnected` after a grace period, as xo-server
 * does (CLIENT-NOTES §7.9): a master failover or a dropped socket should not flash a red pool.
 * Retries go on after the grace period; success returns to `connected`.
 */
import type { Clock } from './clock';
import type { XapiError } from './xapi-error';

export type ConnectionState =
  | { state: 'connecting' }
  | { state: 'connected' }
  | { state: 'reconnecting'; attempt: number; nextRetryMs?: number; error?: XapiError }
  | { state: 'disconnected'; error?: XapiError; retry?: RetryInfo };

/** Past the grace period a failing connection is `disconnected` but still retried: when, and how often so far. */
export interface RetryInfo {
  attempt: number;
  nextRetryMs: number;
}

export class ConnectionStateMachine {
  private current: ConnectionState = { state: 'disconnected' };
  private readonly listeners = new Set<(state: ConnectionState) => void>();
  private grace: { cancel(): void } | undefined;
  private lastError: XapiError | undefined;
  private lastRetry: RetryInfo | undefined;

  constructor(private readonly clock: Clock, private readonly graceMs: number) {}

  get value(): ConnectionState {
    return this.current;
  }

  subscribe(listener: (state: ConnectionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  connecting(): void {
    this.set({ state: 'connecting' });
  }

  connected(): void {
    this.stopGrace();
    if (this.current.state !== 'connected') this.set({ state: 'connected' });
  }

  /** A retryable failure. Past the grace period the state stays `disconnected` (with the last error) until success. */
  failing(error: XapiError, attempt: number, nextRetryMs: number): void {
    this.lastError = error;
    this.lastRetry = { attempt, nextRetryMs };
    if (this.current.state === 'disconnected') {
      this.set({ state: 'disconnected', error, retry: this.lastRetry });
      return;
    }
    this.set({ state: 'reconnecting', attempt, nextRetryMs, error });
    this.grace ??= this.clock.setTimeout(() => {
      this.grace = undefined;
      if (this.current.state === 'reconnecting') this.set({ state: 'disconnected', error: this.lastError, retry: this.lastRetry });
    }, this.graceMs);
  }

  /** A failure retrying cannot fix (wrong password, untrusted certificate), or a user disconnect. */
  stopped(error?: XapiError): void {
    this.stopGrace();
    this.lastRetry = undefined;
    this.set(error ? { state: 'disconnected', error } : { state: 'disconnected' });
  }

  private stopGrace(): void {
    this.grace?.cancel();
    this.grace = undefined;
  }

  private set(state: ConnectionState): void {
    this.current = state;
    for (const listener of [...this.listeners]) listener(state);
  }
}
