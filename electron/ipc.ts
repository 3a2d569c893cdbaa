/**
 * Binds the backend to Electron IPC (the Electron half of the Bridge; web-host.ts is the other).
 *
 * Every request is checked before it reaches the backend (Electron security checklist item 17): it
 * must come from one of our windows, from its top frame (not an iframe), from a page on `app://xendeck`;
 * then its arguments are validated by the Bridge's zod schema (inside `backend.request`). Replies are
 * `BridgeReply` envelopes, because Electron reduces a thrown error to its message and XAPI's code and
 * params must survive. Replies and event payloads cross as JSON text (stringifyWithRawRecords): the
 * mirror's records are kept as the text they were loaded as and are parsed once, in the page.
 *
 * Each document a window shows is one Bridge caller: it ends when the window is destroyed, its renderer
 * dies, or it navigates (a reload is a new page), which releases what the page started (metrics polling,
 * console tunnels); the next request of that window opens a new caller.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { stringifyWithRawRecords } from '../shared/api-client/raw-record';
import { bridgeError } from '../shared/bridge';
import type { BridgeReply } from '../shared/bridge-wire';
import { toBridgeError } from '../shared/bridge-wire';
import { isAppUrl } from './app-origin';
import type { BridgeHost, PageCaller } from './backend/bridge-host';
import { EVENT_CHANNEL, REQUEST_CHANNEL } from './ipc-channels';

/** Why a sender is refused, or undefined when it may call the backend. */
export function senderProblem(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, isOurWindow: (contents: WebContents) => boolean): string | undefined {
  const frame = event.senderFrame;
  if (!frame) return 'the sending frame is gone';
  if (!isOurWindow(event.sender)) return 'not one of our windows';
  // Frames are compared by id: Electron may hand out a new WebFrameMain object for the same frame.
  const main = event.sender.mainFrame;
  if (frame.parent !== null || frame.processId !== main.processId || frame.routingId !== main.routingId) return 'not the top frame';
  if (!isAppUrl(frame.url)) return `origin ${frame.url} is not the app`;
  return undefined;
}

export interface IpcBinding {
  /** Starts sending events to this window's renderer. */
  attach(contents: WebContents): void;
  dispose(): void;
}

export function bindIpc(backend: BridgeHost, isOurWindow: (contents: WebContents) => boolean): IpcBinding {
  // The page each window shows now; a window without one gets one at its next request.
  const callers = new Map<WebContents, PageCaller>();
  const watched = new WeakSet<WebContents>();
  const endPage = (contents: WebContents) => {
    const caller = callers.get(contents);
    callers.delete(contents);
    caller?.end();
  };
  const watch = (contents: WebContents) => {
    if (watched.has(contents)) return;
    watched.add(contents);
    contents.once('destroyed', () => endPage(contents));
    contents.on('render-process-gone', () => endPage(contents));
    // A committed main-frame navigation (a reload included) replaces the document; in-page navigations do not.
    contents.on('did-navigate', () => endPage(contents));
  };
  const callerOf = (contents: WebContents): PageCaller => {
    watch(contents);
    let caller = callers.get(contents);
    if (!caller) callers.set(contents, (caller = backend.openCaller()));
    return caller;
  };

  ipcMain.handle(REQUEST_CHANNEL, async (event, name: unknown, args: unknown): Promise<string> => {
    let reply: BridgeReply;
    try {
      const problem = senderProblem(event, isOurWindow);
      if (problem) throw bridgeError('BRIDGE_SENDER_REFUSED', [problem], `Request refused: ${problem}`);
      if (typeof name !== 'string') throw bridgeError('BRIDGE_UNKNOWN_REQUEST', [String(name)], 'Request name must be a string');
      reply = { ok: true, result: (await backend.request(name, args, callerOf(event.sender))) ?? null };
    } catch (err) {
      reply = { ok: false, error: toBridgeError(err) };
    }
    return stringifyWithRawRecords(reply);
  });

  const detachers = new Set<() => void>();
  return {
    attach(contents) {
      watch(contents);
      const unsubscribe = backend.subscribe((eventName, payload) => {
        // Only our own page gets events; after a (blocked) navigation attempt nothing leaks elsewhere.
        if (!contents.isDestroyed() && isAppUrl(contents.getURL())) contents.send(EVENT_CHANNEL, eventName, stringifyWithRawRecords(payload));
      });
      detachers.add(unsubscribe);
      contents.once('destroyed', () => {
        unsubscribe();
        detachers.delete(unsubscribe);
      });
    },
    dispose() {
      ipcMain.removeHandler(REQUEST_CHANNEL);
      for (const d of detachers) d();
      detachers.clear();
      for (const contents of [...callers.keys()]) endPage(contents);
    },
  };
}
