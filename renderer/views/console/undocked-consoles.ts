/**
 * Which consoles are undocked right now, known to every page of the app: the undocked window (an Electron
 * window, or a browser tab in browser mode) announces itself on a BroadcastChannel of the app's origin and
 * says goodbye when it goes; the main window's Console tab then shows "Console undocked" instead of a second
 * live connection, and its "Bring console back" asks the undocked window to close. A main window that loads
 * later asks who is undocked.
 */
import { useEffect, useSyncExternalStore } from 'react';

type Message =
  | { type: 'undocked'; key: string }
  | { type: 'docked'; key: string }
  | { type: 'who' }
  | { type: 'dock'; key: string };

const CHANNEL = 'xendeck-undocked-consoles';
const keyOf = (connectionId: string, vmRef: string) => `${connectionId}\n${vmRef}`;

const undocked = new Set<string>();
const subscribers = new Set<() => void>();
/** The consoles this page shows undocked (normally one: this window's). */
const mine = new Set<string>();
let channel: BroadcastChannel | undefined;

function setUndocked(key: string, value: boolean): void {
  if (undocked.has(key) === value) return;
  if (value) undocked.add(key);
  else undocked.delete(key);
  for (const s of [...subscribers]) s();
}

function open(): BroadcastChannel | undefined {
  if (channel || typeof BroadcastChannel === 'undefined') return channel;
  channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event: MessageEvent<Message>) => {
    const message = event.data;
    if (message.type === 'who') for (const key of mine) channel?.postMessage({ type: 'undocked', key } satisfies Message);
    else if (message.type === 'dock' && mine.has(message.key)) window.close();
    else if (message.type === 'undocked') setUndocked(message.key, true);
    else if (message.type === 'docked') setUndocked(message.key, false);
  };
  channel.postMessage({ type: 'who' } satisfies Message);
  return channel;
}

function subscribe(listener: () => void): () => void {
  open();
  subscribers.add(listener);
  return () => subscribers.delete(listener);
}

/** Whether this VM's console is open in a window of its own (from the main window's point of view). */
export function useConsoleUndocked(connectionId: string, vmRef: string): boolean {
  const key = keyOf(connectionId, vmRef);
  return useSyncExternalStore(subscribe, () => undocked.has(key));
}

/** The main window opened the undocked window itself: it is undocked from now, before the window has loaded. */
export function markUndocked(connectionId: string, vmRef: string): void {
  open();
  setUndocked(keyOf(connectionId, vmRef), true);
}

/** "Bring console back": the undocked window closes; this page reconnects when it has said goodbye. */
export function dockConsole(connectionId: string, vmRef: string): void {
  const key = keyOf(connectionId, vmRef);
  open()?.postMessage({ type: 'dock', key } satisfies Message);
}

/** For the undocked window's own view: announces it while mounted, and says goodbye when the window goes. */
export function useAnnounceUndocked(connectionId: string, vmRef: string, active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const key = keyOf(connectionId, vmRef);
    const ch = open();
    mine.add(key);
    ch?.postMessage({ type: 'undocked', key } satisfies Message);
    const goodbye = () => ch?.postMessage({ type: 'docked', key } satisfies Message);
    window.addEventListener('pagehide', goodbye);
    return () => {
      window.removeEventListener('pagehide', goodbye);
      mine.delete(key);
      goodbye();
    };
  }, [connectionId, vmRef, active]);
}
