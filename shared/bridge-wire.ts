/**
 * How the Bridge travels: the envelopes both transports use. Electron IPC returns a `BridgeReply`
 * from `ipcMain.handle` (rather than throwing, which Electron would turn into a generic "Error invoking
 * remote method" and lose XAPI's code: the Podman Desktop `ipcHandle` pattern); the browser-mode
 * WebSocket sends the same reply inside a `response` frame. Pure code: no Node, DOM or Electron.
 */
import type { BridgeErrorShape, BridgeEvents, EventName } from './bridge';
import { bridgeError } from './bridge';

export type BridgeReply = { ok: true; result: unknown } | { ok: false; error: BridgeErrorShape };

/** Browser mode, page → host. */
export interface RequestFrame {
  type: 'request';
  id: number;
  name: string;
  args: unknown;
}

/** Browser mode, host → page. */
export type ServerFrame =
  | ({ type: 'response'; id: number } & BridgeReply)
  | { [E in EventName]: { type: 'event'; event: E; payload: BridgeEvents[E] } }[EventName];

/** Names of every event, so transports can refuse a subscription to something that does not exist. */
export const eventNames = ['app.openRequest', 'connections.changed', 'connections.certificatePrompt', 'mirror.batch', 'mirror.resync', 'metrics.update'] as const satisfies readonly EventName[];
// Compile-time check that the list above is complete: adding an event to BridgeEvents without listing it fails here.
type MissingEvent = Exclude<EventName, (typeof eventNames)[number]>;
const _allEventsListed: MissingEvent extends never ? true : MissingEvent = true;
void _allEventsListed;

/** Any thrown value as the error shape that crosses the bridge; XAPI's code, params and method are kept. */
export function toBridgeError(err: unknown): BridgeErrorShape {
  if (typeof err === 'object' && err !== null) {
    const e = err as { code?: unknown; params?: unknown; method?: unknown; message?: unknown };
    if (typeof e.code === 'string' && Array.isArray(e.params)) {
      return {
        code: e.code,
        params: e.params.map(String),
        ...(typeof e.method === 'string' ? { method: e.method } : {}),
        message: typeof e.message === 'string' && e.message ? e.message : e.code,
      };
    }
    if (typeof e.message === 'string') return { code: 'INTERNAL_ERROR', params: [e.message], message: e.message };
  }
  return { code: 'INTERNAL_ERROR', params: [String(err)], message: String(err) };
}

/** The renderer side: an Error carrying the same code, params and method, so `catch (e) { e.code }` works in either mode. */
export function fromBridgeError(shape: BridgeErrorShape): BridgeErrorShape & Error {
  return bridgeError(shape.code, shape.params, shape.message, shape.method);
}
