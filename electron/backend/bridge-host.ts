/**
 * The backend as both transports see it: validate a request by name, run its handler, and let
 * listeners subscribe to events. electron/ipc.ts and electron/web-host.ts take a `BridgeHost`; the
 * composition root (app-backend.ts) builds it from one handler per request. `BridgeHandlers` is a
 * mapped type, so a request added to shared/bridge.ts without a handler is a compile error.
 */
import type { BridgeEvents, EventName, RequestArgs, RequestName, RequestResult } from '../../shared/bridge';
import { parseRequest } from '../../shared/bridge';
import type { EmitEvent } from './ports';

export type BridgeHandlers = { [N in RequestName]: (args: RequestArgs<N>) => Promise<RequestResult<N>> };

export type EventListener = <E extends EventName>(event: E, payload: BridgeEvents[E]) => void;

export interface BridgeHost {
  /** Validates `args` against the request's schema (throws BRIDGE_UNKNOWN_REQUEST / BRIDGE_INVALID_ARGUMENTS) and runs it. */
  request(name: string, args: unknown): Promise<unknown>;
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

export function createBridgeHost(handlers: BridgeHandlers, events: EventHub): BridgeHost {
  return {
    async request(name, args) {
      const parsed = parseRequest(name, args);
      const handler = handlers[parsed.name] as (a: unknown) => Promise<unknown>;
      return handler(parsed.args);
    },
    subscribe: (listener) => events.subscribe(listener),
  };
}
