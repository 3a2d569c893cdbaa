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

function ipcBridge(preload: PreloadBridge): Bridge {
  return {
    async request(name, args) {
      const reply = JSON.parse(await preload.request(name, args)) as BridgeReply;
      if (!reply.ok) throw fromBridgeError(reply.error);
      return reply.result as never;
    },
    on: (event, listener) => preload.on(event, (payloadJson) => (listener as (payload: unknown) => void)(JSON.parse(payloadJson))),
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
