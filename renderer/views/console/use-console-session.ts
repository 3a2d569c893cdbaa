/**
 * The life of one console view's connection: ask the main process for a one-time tunnel URL,
 * hand it to noVNC, and come back after drops with backoff, or at once when the VM gets a new
 * console (reboot, migration: CLIENT-NOTES 18, XenCenter's ConsoleSuperseded).
 */
import RFB from '@novnc/novnc';
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { Bridge } from '../../../shared/bridge';
import { backoff, hasConsole, type ReconnectPolicy } from './reconnect-policy';

export type ConsoleState =
  | { kind: 'not-running'; powerState: string }
  | { kind: 'connecting'; attempt: number }
  | { kind: 'connected'; desktopName: string }
  | { kind: 'disconnected'; reason: string; attempt: number; retryAt: number };

export interface ConsoleSessionInput {
  bridge: Pick<Bridge, 'request'>;
  connectionId: string;
  vmRef: string;
  powerState: string;
  /** `console.location` of the VM's RFB console: a new value means a new console to connect to. */
  consoleLocation: string | undefined;
  screen: RefObject<HTMLDivElement | null>;
  /** 'fit' scales the screen to the view; 'actual' shows it 1:1 with scrollbars. */
  scale: ScaleMode;
  policy?: ReconnectPolicy;
}

export type ScaleMode = 'fit' | 'actual';

const defaultPolicy = backoff();

export function useConsoleSession(input: ConsoleSessionInput): { state: ConsoleState; rfb: RefObject<RFB | undefined>; retryNow: () => void } {
  const { bridge, connectionId, vmRef, powerState, consoleLocation, screen, scale } = input;
  const policy = input.policy ?? defaultPolicy;
  const running = hasConsole(powerState);
  const [connection, setState] = useState<ConsoleState>({ kind: 'connecting', attempt: 1 });
  // A VM that is not running has no console: that is derived, not stored.
  const state: ConsoleState = running ? connection : { kind: 'not-running', powerState };
  const [retryToken, setRetryToken] = useState(0);
  const rfb = useRef<RFB | undefined>(undefined);
  const keepFocus = useKeepFocus(screen);

  useEffect(() => {
    if (!running) return;
    const target = screen.current;
    if (!target) return;
    let cancelled = false;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let current: RFB | undefined;
    let tunnelId: string | undefined;

    const closeTunnel = () => {
      if (tunnelId) void bridge.request('console.close', { tunnelId }).catch(() => undefined);
      tunnelId = undefined;
    };
    const retryLater = (reason: string) => {
      if (cancelled) return;
      const delay = policy.delayMs(attempt);
      setState({ kind: 'disconnected', reason, attempt, retryAt: Date.now() + delay });
      timer = setTimeout(connect, delay);
    };
    const connect = async () => {
      attempt++;
      setState({ kind: 'connecting', attempt });
      let url: string;
      try {
        const ticket = await bridge.request('console.open', { connectionId, vmRef });
        tunnelId = ticket.tunnelId;
        url = ticket.url;
      } catch (err) {
        retryLater(describe(err));
        return;
      }
      if (cancelled) {
        closeTunnel();
        return;
      }
      // noVNC 1.7 sends no subprotocol unless told; the tunnel (like XAPI's WebSocket handler) wants `binary`.
      const r = new RFB(target, url, { wsProtocols: ['binary'], shared: true });
      r.focusOnClick = true;
      r.background = 'transparent';
      current = r;
      rfb.current = r;
      let desktopName = '';
      r.addEventListener('desktopname', (e) => {
        desktopName = (e as CustomEvent<{ name: string }>).detail.name;
        setState((s) => (s.kind === 'connected' ? { kind: 'connected', desktopName } : s));
      });
      r.addEventListener('connect', () => {
        attempt = 0;
        setState({ kind: 'connected', desktopName });
        if (keepFocus.current) r.focus();
      });
      r.addEventListener('disconnect', (e) => {
        if (rfb.current === r) rfb.current = undefined;
        current = undefined;
        closeTunnel();
        const clean = (e as CustomEvent<{ clean: boolean }>).detail.clean;
        retryLater(clean ? 'The console was closed by the host (the VM may be rebooting or moving).' : 'The connection to the console was lost.');
      });
    };
    void connect();
    return () => {
      cancelled = true;
      clearTimeout(timer);
      if (current) {
        current.disconnect();
        if (rfb.current === current) rfb.current = undefined;
      }
      closeTunnel();
    };
  }, [bridge, connectionId, vmRef, running, consoleLocation, retryToken, screen, policy, keepFocus]);

  // Scale to fit, re-applied whenever the space changes: noVNC only recomputes on window resizes
  // (novnc/noVNC#1747), so flip the setting off and on as XO Lite does (CLIENT-NOTES 21).
  const connected = state.kind === 'connected';
  useEffect(() => {
    const r = rfb.current;
    if (!r || !connected) return;
    r.scaleViewport = scale === 'fit';
    r.clipViewport = false;
    const rescale = () => {
      const cur = rfb.current;
      if (!cur || scale !== 'fit') return;
      cur.scaleViewport = false;
      cur.scaleViewport = true;
    };
    const observer = new ResizeObserver(rescale);
    if (screen.current) observer.observe(screen.current);
    document.addEventListener('fullscreenchange', rescale);
    return () => {
      observer.disconnect();
      document.removeEventListener('fullscreenchange', rescale);
    };
  }, [scale, connected, screen]);

  const retryNow = useCallback(() => setRetryToken((n) => n + 1), []);
  return { state, rfb, retryNow };
}

/**
 * Whether the user was typing into the console: then a reconnect (reboot, migration) gives the new
 * screen the keyboard again. Losing the old canvas drops focus without the user moving it, so only
 * focus moving to another element, or a click elsewhere, count as leaving.
 */
function useKeepFocus(screen: RefObject<HTMLDivElement | null>): RefObject<boolean> {
  const keep = useRef(false);
  useEffect(() => {
    const target = screen.current;
    if (!target) return;
    const onFocusIn = () => (keep.current = true);
    const onFocusOut = (e: FocusEvent) => {
      if (e.relatedTarget) keep.current = false;
    };
    const onPointerDown = (e: PointerEvent) => {
      if (!target.contains(e.target as Node | null)) keep.current = false;
    };
    target.addEventListener('focusin', onFocusIn);
    target.addEventListener('focusout', onFocusOut);
    document.addEventListener('pointerdown', onPointerDown, true);
    return () => {
      target.removeEventListener('focusin', onFocusIn);
      target.removeEventListener('focusout', onFocusOut);
      document.removeEventListener('pointerdown', onPointerDown, true);
    };
  }, [screen]);
  return keep;
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code === 'CONSOLE_NOT_FOUND') return 'The VM has no console yet.';
  return e.message ? `${e.message}${e.code ? ` (${e.code})` : ''}` : 'Cannot open the console.';
}
