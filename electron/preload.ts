/**
 * The preload: exposes the Bridge as `window.xendeck` through contextBridge, and nothing else
 * (Electron security checklist items 3, 20). Two generic functions; `ipcRenderer` itself never
 * crosses, and listeners receive the payload only, never the IpcRendererEvent. Bundled into one
 * CJS file because a sandboxed preload can `require` only a few modules (scripts/build-electron.mjs).
 *
 * `request` resolves with the BridgeReply envelope rather than throwing, because contextBridge keeps
 * only the message of a thrown Error; renderer/bridge.ts turns `{ok:false}` back into an error with
 * XAPI's code and params. Replies and event payloads arrive as JSON text and are handed on as text:
 * the page parses them (a string crosses contextBridge as one copy, an object graph as a deep clone).
 */
import { contextBridge, ipcRenderer } from 'electron';
import { EVENT_CHANNEL, REQUEST_CHANNEL } from './ipc-channels';

type Listener = (payloadJson: string) => void;
const listeners = new Map<string, Set<Listener>>();

ipcRenderer.on(EVENT_CHANNEL, (_event, name: string, payloadJson: string) => {
  for (const listener of listeners.get(name) ?? []) listener(payloadJson);
});

export const preloadApi = {
  /** The BridgeReply envelope as JSON text. */
  request(name: string, args: unknown): Promise<string> {
    return ipcRenderer.invoke(REQUEST_CHANNEL, String(name), args) as Promise<string>;
  },
  on(event: string, listener: Listener): () => void {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    const key = String(event);
    let set = listeners.get(key);
    if (!set) listeners.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  },
};

export type PreloadApi = typeof preloadApi;

contextBridge.exposeInMainWorld('xendeck', preloadApi);
