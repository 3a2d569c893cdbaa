/**
 * The Console tab of a VM or a host's control domain: noVNC through the main process's tunnel,
 * with the state in words, scaling, fullscreen, key combos, "Type text…", screenshots and undock.
 *
 * Mount it with the VM's facts from the mirror:
 *   <ConsoleTab bridge={bridge} connectionId={id} vmRef={ref} vmName={vm.name_label}
 *               powerState={vm.power_state} consoleLocation={rfbConsole?.location} />
 */
import { useEffect, useRef, useState } from 'react';
import type { Bridge } from '../../../shared/bridge';
import { consoleRouteHash } from '../../../shared/console-route';
import { launch, waitForTask } from '../../actions/run-tasks';
import { ErrorMessage } from '../../components/ErrorMessage';
import { appTaskLog } from '../tasks/task-log';
import { setConsoleFocused } from './console-focus';
import { ConsoleToolbar } from './ConsoleToolbar';
import { comboPresses, textPresses, type KeyCombo } from './key-sequences';
import { useConsoleSession, type ConsoleState, type ScaleMode } from './use-console-session';
import { dockConsole, markUndocked, useAnnounceUndocked, useConsoleUndocked } from './undocked-consoles';
import './console.css';

export interface ConsoleTabProps {
  bridge: Bridge;
  connectionId: string;
  vmRef: string;
  vmName: string;
  /** VM.power_state from the mirror. */
  powerState: string;
  /** console.location of the VM's `rfb` console from the mirror (changes on reboot and migration). */
  consoleLocation: string | undefined;
  /** Control domains cannot be started from here. */
  isControlDomain?: boolean;
  /** Hide the undock button (this view already is the undocked window). */
  undocked?: boolean;
}

export function ConsoleTab(props: ConsoleTabProps) {
  const elsewhere = useConsoleUndocked(props.connectionId, props.vmRef);
  // The main window does not keep a second connection to a console shown in its own window.
  if (elsewhere && !props.undocked) return <UndockedHere {...props} />;
  return <ConsoleView {...props} />;
}

function UndockedHere({ connectionId, vmRef, vmName }: ConsoleTabProps) {
  return (
    <section className="console-tab" aria-label={`Console of ${vmName}`}>
      <div className="console-not-running" role="status">
        <p>Console undocked: the console of {vmName} is open in a window of its own.</p>
        <button type="button" className="button button-primary" onClick={() => dockConsole(connectionId, vmRef)}>
          Bring console back
        </button>
      </div>
    </section>
  );
}

function ConsoleView(props: ConsoleTabProps) {
  const { bridge, connectionId, vmRef, vmName, powerState, consoleLocation } = props;
  useAnnounceUndocked(connectionId, vmRef, props.undocked === true);
  const frame = useRef<HTMLDivElement>(null);
  const screen = useRef<HTMLDivElement>(null);
  const [scale, setScale] = useState<ScaleMode>('fit');
  const [focused, setFocused] = useState(false);
  const [startError, setStartError] = useState<unknown>();
  const [starting, setStarting] = useState(false);
  const { state, rfb, retryNow } = useConsoleSession({ bridge, connectionId, vmRef, powerState, consoleLocation, screen, scale });

  // A view that goes away while focused must give the app its shortcuts back.
  useEffect(() => () => {
    if (focused) setConsoleFocused(false);
  }, [focused]);

  const sendCombo = (combo: KeyCombo) => {
    const r = rfb.current;
    if (!r) return;
    for (const p of comboPresses(combo)) r.sendKey(p.keysym, p.code, p.down);
    r.focus();
  };
  const typeText = (text: string) => {
    const r = rfb.current;
    if (!r) return;
    for (const p of textPresses(text)) r.sendKey(p.keysym, p.code, p.down);
    r.focus();
  };
  const screenshot = () => {
    rfb.current?.toBlob((blob) => {
      if (!blob) return;
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `${vmName.replace(/[^\w.-]+/g, '_')}-${new Date().toISOString().replace(/[:.]/g, '-')}.png`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    }, 'image/png');
  };
  const fullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void frame.current?.requestFullscreen();
  };
  // Start goes through the task panel like the toolbar's Start (a task named after the VM), and its
  // failure is also said here, where the user clicked.
  const start = async () => {
    setStartError(undefined);
    setStarting(true);
    const info = { connectionId, title: 'Start', targetName: vmName, targetRef: vmRef };
    const taskRef = await launch(bridge, { ...info, method: 'VM.start', params: [vmRef, false, false] });
    const outcome = taskRef ? await waitForTask(connectionId, taskRef) : undefined;
    if (outcome?.status === 'success') return;
    const refused = appTaskLog.getState().finished.find((f) => f.targetRef === vmRef && f.title === 'Start' && f.status === 'failure');
    setStartError(outcome ? (outcome.error ?? { code: 'TASK_CANCELLED', params: [] }) : refused?.error);
    setStarting(false);
  };
  // The Start button stays busy until the power state changes (the call only launched the start task).
  const [seenPowerState, setSeenPowerState] = useState(powerState);
  if (seenPowerState !== powerState) {
    setSeenPowerState(powerState);
    setStarting(false);
  }

  return (
    <section className="console-tab" ref={frame} aria-label={`Console of ${vmName}`}>
      <ConsoleToolbar
        connected={state.kind === 'connected'}
        scale={scale}
        onScale={setScale}
        onCtrlAltDel={() => rfb.current?.sendCtrlAltDel()}
        onCombo={sendCombo}
        onTypeText={typeText}
        onScreenshot={screenshot}
        onFullscreen={fullscreen}
        onUndock={props.undocked ? undefined : () => undockConsole(connectionId, vmRef)}
        status={
          <StatusLine
            state={state}
            vmName={vmName}
            onRetry={retryNow}
            hint={state.kind === 'connected' ? (focused ? 'The console has the keyboard: app shortcuts are off. Click outside to release it.' : 'Click the screen to type into the VM.') : undefined}
          />
        }
      />
      {state.kind === 'not-running' && (
        <div className="console-not-running">
          <p>
            {vmName} is {state.powerState.toLowerCase()}: there is no console until it runs.
          </p>
          {!props.isControlDomain && state.powerState === 'Halted' && (
            <button type="button" className="button button-primary" onClick={start} disabled={starting}>
              {starting ? 'Starting…' : 'Start'}
            </button>
          )}
          {startError !== undefined && <ErrorMessage error={startError} onDismiss={() => setStartError(undefined)} />}
        </div>
      )}
      <div
        ref={screen}
        className={`console-screen${focused ? ' console-screen-focused' : ''}${scale === 'fit' ? ' console-screen-fit' : ''}`}
        data-testid="console-screen"
        hidden={state.kind === 'not-running'}
        onFocus={() => {
          if (!focused) {
            setFocused(true);
            setConsoleFocused(true);
          }
        }}
        onBlur={(e) => {
          if (focused && !e.currentTarget.contains(e.relatedTarget as Node | null)) {
            setFocused(false);
            setConsoleFocused(false);
          }
        }}
      />
    </section>
  );
}

function StatusLine({ state, vmName, onRetry, hint }: { state: ConsoleState; vmName: string; onRetry: () => void; hint?: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (state.kind !== 'disconnected') return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [state.kind]);
  let text: string;
  switch (state.kind) {
    case 'not-running':
      text = 'Not running';
      break;
    case 'connecting':
      text = state.attempt > 1 ? `Connecting to the console of ${vmName} (attempt ${state.attempt})…` : `Connecting to the console of ${vmName}…`;
      break;
    case 'connected':
      text = `Connected to ${state.desktopName || vmName}`;
      break;
    case 'disconnected':
      text = `Disconnected: ${state.reason} Retrying in ${Math.max(0, Math.ceil((state.retryAt - now) / 1000))} s.`;
      break;
  }
  return (
    <div className={`console-status console-status-${state.kind}`}>
      <span className="console-state" role="status" aria-live="polite" data-state={state.kind} title={text}>
        {text}
      </span>
      {state.kind === 'disconnected' && (
        <button type="button" className="button" onClick={onRetry}>
          Retry now
        </button>
      )}
      {hint && (
        <span className="console-hint" title={hint}>
          {hint}
        </span>
      )}
    </div>
  );
}

/**
 * Opens the console on its own: a window in Electron, a browser tab in browser mode. This view then shows
 * "Console undocked" and closes its tunnel (undocked-consoles.ts); a blocked pop-up leaves it as it was.
 */
export function undockConsole(connectionId: string, vmRef: string): void {
  const url = `${location.pathname}${location.search}${consoleRouteHash(connectionId, vmRef)}`;
  const electron = 'xendeck' in window;
  const opened = window.open(url, `xendeck-console-${vmRef}`, electron ? 'popup,width=1060,height=860' : undefined);
  if (opened) markUndocked(connectionId, vmRef);
}
