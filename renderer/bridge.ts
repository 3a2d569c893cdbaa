/**
 * The renderer's Bridge: `window.xendeck` when the preload put it there (Electron), otherwise the
 * browser-mode WebSocket to the web host. Nothing else in the renderer knows which one it has.
 */
import type { Bridge, EventName, RequestName } from '../shared/bridge';
import type { BridgeReply } from '../shared/bridge-wire';
import { fromBridgeError } from '../shared/bridge-wire';
import { connectWebSocketBridge, takeAccessToken } from './ws-bridge';

/**
 * What electron/preload.ts exposes (see PreloadApi there): replies are envelopes so XAPI error codes
 * survive; replies and event payloads come as JSON text, parsed here.
 */
interface PreloadBridge {
  request(name: string, args: unknown): Promise<string>;
  on(event: string, listener: (payloadJson: string) => void): () => void;
}

declare global {
  interface Window {
    xendeck?: PreloadBridge;
  }
}

type Listener = (payload: unknown) => void;

export function ipcBridge(preload: PreloadBridge): Bridge {
  // One preload subscription per event name: each payload is parsed once and every listener gets
  // the same object, as over the WebSocket (a mirror batch is a megabyte of JSON).
  const listeners = new Map<string, Set<Listener>>();
  const unsubscribe = new Map<string, () => void>();
  return {
    async request(name, args) {
      const reply = JSON.parse(await preload.request(name, args)) as BridgeReply;
      if (!reply.ok) throw fromBridgeError(reply.error);
      return reply.result as never;
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        const subscribers = (set = new Set());
        listeners.set(event, subscribers);
        unsubscribe.set(event, preload.on(event, (payloadJson) => {
          const payload: unknown = JSON.parse(payloadJson);
          for (const l of [...subscribers]) l(payload);
        }));
      }
      const subscribers = set;
      subscribers.add(listener as Listener);
      return () => {
        subscribers.delete(listener as Listener);
        if (subscribers.size || listeners.get(event) !== subscribers) return;
        listeners.delete(event);
        unsubscribe.get(event)?.();
        unsubscribe.delete(event);
      };
    },
  };
}

export class BridgeUnavailableError extends Error {
  override readonly name = 'BridgeUnavailableError';
}

/** The Bridge for this page. Throws BridgeUnavailableError when opened outside Electron without a token. */
export function createBridge(): Bridge {
  if (window.xendeck) return ipcBridge(window.xendeck);
  const token = takeAccessToken();
  if (!token) {
    throw new BridgeUnavailableError(
      'This page needs its access token. Open the full address that `npm run start:browser` printed (it ends in ?token=…).',
    );
  }
  const url = new URL('/bridge', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', token);
  return connectWebSocketBridge(url.toString());
}

export type { Bridge, EventName, RequestName };
