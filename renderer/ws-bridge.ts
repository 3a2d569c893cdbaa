/**
 * Browser mode's Bridge: one WebSocket to the web host (electron/web-host.ts), carrying request and
 * response frames and events (shared/bridge-wire.ts). The access token comes from the address the user
 * opened (`/?token=…`); it is moved to sessionStorage and removed from the address bar, so it does not
 * linger in history or screenshots and still survives a reload of this tab.
 */
import type { Bridge, BridgeEvents, EventName } from '../shared/bridge';
import { bridgeError } from '../shared/bridge';
import type { RequestFrame, ServerFrame } from '../shared/bridge-wire';
import { fromBridgeError } from '../shared/bridge-wire';

const TOKEN_KEY = 'xendeck.token';

export function takeAccessToken(): string | undefined {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

/** https links only, the same rule the Electron main process applies (electron/open-external.ts). */
function openInNewTab(url: string): void {
  const u = new URL(url);
  if (u.protocol !== 'https:' || u.username || u.password) throw bridgeError('EXTERNAL_URL_REFUSED', [url], 'Only https links can be opened');
  window.open(u.toString(), '_blank', 'noopener,noreferrer');
}

export function connectWebSocketBridge(url: string): Bridge {
  const ws = new WebSocket(url);
  const opened = new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('close', () => reject(bridgeError('BRIDGE_DISCONNECTED', [], 'The XenDeck host refused or closed the connection')), { once: true });
  });
  opened.catch(() => undefined);
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let nextId = 1;

  ws.addEventListener('message', (message) => {
    const frame = JSON.parse(String(message.data)) as ServerFrame;
    if (frame.type === 'event') {
      for (const listener of listeners.get(frame.event) ?? []) listener(frame.payload as never);
      return;
    }
    const waiter = pending.get(frame.id);
    if (!waiter) return;
    pending.delete(frame.id);
    if (frame.ok) waiter.resolve(frame.result);
    else waiter.reject(fromBridgeError(frame.error));
  });
  ws.addEventListener('close', () => {
    const lost = bridgeError('BRIDGE_DISCONNECTED', [], 'The connection to the XenDeck host was closed');
    for (const waiter of pending.values()) waiter.reject(lost);
    pending.clear();
  });

  return {
    async request(name, args) {
      if (name === 'shell.openExternal') {
        openInNewTab((args as { url: string }).url);
        return undefined as never;
      }
      await opened;
      if (ws.readyState !== WebSocket.OPEN) throw bridgeError('BRIDGE_DISCONNECTED', [], 'The connection to the XenDeck host was closed');
      const id = nextId++;
      const frame: RequestFrame = { type: 'request', id, name, args };
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        ws.send(JSON.stringify(frame));
      });
    },
    on<E extends EventName>(event: E, listener: (payload: BridgeEvents[E]) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => {
        set.delete(listener as (payload: never) => void);
      };
    },
  };
}
