/**
 * The backend as both transports see it: validate a request by name, run its handler, and let
 * listeners subscribe to events. electron/ipc.ts and electron/web-host.ts take a `BridgeHost`; the
 * composition root (app-backend.ts) builds it from one handler per request. `BridgeHandlers` is a
 * mapped type, so a request added to shared/bridge.ts without a handler is a compile error.
 *
 * Every request comes from a page, its `BridgeCaller`: one per WebSocket in browser mode, one per
 * document of a WebContents in Electron. A handler that starts something on the page's behalf
 * (metrics polling, a console tunnel) holds its release on the caller; the transport ends the caller
 * when the page goes (tab closed, reload, crash, socket dropped, window destroyed), which runs every
 * release the page did not give back itself. Without it a vanished page's charts would poll its hosts
 * until the backend restarts.
 */
import type { BridgeEvents, EventName, RequestArgs, RequestName, RequestResult } from '../../shared/bridge';
import { parseRequest } from '../../shared/bridge';
import type { EmitEvent } from './ports';

/** The page a request comes from, as a handler sees it. */
export interface BridgeCaller {
  /**
   * Keeps `release` under `key` (unique per thing held, e.g. `metrics:m12`) until the page gives it back
   * with `drop(key)` or goes away, when it runs. On a caller that has already ended it runs at once: the
   * page went while the request that created the thing was still running.
   */
  hold(key: string, release: () => unknown): void;
  /** Whether this page holds `key`: a page acts on its own subscriptions and tunnels only. */
  holds(key: string): boolean;
  /** Gives `key` back without running its release (the page released the thing itself); false if not held here. */
  drop(key: string): boolean;
  readonly ended: boolean;
}

/** A caller as its transport sees it: the transport ends it when the page goes. */
export interface PageCaller extends BridgeCaller {
  /** Runs every release still held (once; later calls do nothing). */
  end(): void;
}

export type BridgeHandlers = { [N in RequestName]: (args: RequestArgs<N>, caller: BridgeCaller) => Promise<RequestResult<N>> };

export type EventListener = <E extends EventName>(event: E, payload: BridgeEvents[E]) => void;

export interface BridgeHost {
  /** Validates `args` against the request's schema (throws BRIDGE_UNKNOWN_REQUEST / BRIDGE_INVALID_ARGUMENTS) and runs it for `caller`. */
  request(name: string, args: unknown, caller: BridgeCaller): Promise<unknown>;
  /** A new page; its transport must `end()` it when the page goes. */
  openCaller(): PageCaller;
  /** Every event the backend emits, until the returned function is called. */
  subscribe(listener: EventListener): () => void;
}

/** Fans one backend's events out to every attached renderer (one Electron window, or several browser tabs). */
export class EventHub {
  private readonly listeners = new Set<EventListener>();

  readonly emit: EmitEvent = (event, payload) => {
    for (const listener of [...this.listeners]) {
      try {
        listener(event, payload);
      } catch {
        // One broken transport (a socket closing mid-send) must not keep the event from the others.
      }
    }
  };

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** `log` hears of a release that failed (the others still run). */
export function createPageCaller(log?: (line: string) => void): PageCaller {
  const held = new Map<string, () => unknown>();
  let ended = false;
  const run = (key: string, release: () => unknown) => {
    const failed = (err: unknown) => log?.(`releasing ${key} for a closed page failed: ${err instanceof Error ? err.message : String(err)}`);
    try {
      void Promise.resolve(release()).catch(failed);
    } catch (err) {
      failed(err);
    }
  };
  return {
    get ended() {
      return ended;
    },
    hold(key, release) {
      if (ended) run(key, release);
      else held.set(key, release);
    },
    holds: (key) => held.has(key),
    drop: (key) => held.delete(key),
    end() {
      if (ended) return;
      ended = true;
      const all = [...held];
      held.clear();
      for (const [key, release] of all) run(key, release);
    },
  };
}

export function createBridgeHost(handlers: BridgeHandlers, events: EventHub, options: { log?: (line: string) => void } = {}): BridgeHost {
  return {
    async request(name, args, caller) {
      const parsed = parseRequest(name, args);
      const handler = handlers[parsed.name] as (a: unknown, c: BridgeCaller) => Promise<unknown>;
      return handler(parsed.args, caller);
    },
    openCaller: () => createPageCaller(options.log),
    subscribe: (listener) => events.subscribe(listener),
  };
}
