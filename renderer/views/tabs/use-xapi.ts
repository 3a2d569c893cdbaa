/**
 * XAPI calls of a tab on one connection, through the bridge (the main process adds the session). Work on
 * disks and interfaces goes through `task`: an Async call, listed in the task panel with its progress and
 * outcome, whose failure is also thrown for the form that asked.
 */
import { useMemo } from 'react';
import { useBridge } from '../../bridge-context';
import { runTask } from '../../actions/run-tasks';

export interface XapiCaller {
  call<T = unknown>(method: string, ...params: unknown[]): Promise<T>;
  /** Starts an Async.* call; resolves with the task ref (progress shows in the task panel). */
  callAsync(method: string, ...params: unknown[]): Promise<string>;
  /** Runs `method` as a task in the task panel ("Attach disk web-01"), to its end; the ref it returned. */
  task(what: { title: string; targetName: string; targetRef?: string }, method: string, ...params: unknown[]): Promise<string | undefined>;
}

export function useXapi(connectionId: string): XapiCaller {
  const bridge = useBridge();
  return useMemo(
    () => ({
      call: <T,>(method: string, ...params: unknown[]) => bridge.request('xapi.call', { connectionId, method, params }) as Promise<T>,
      callAsync: (method: string, ...params: unknown[]) => bridge.request('xapi.callAsync', { connectionId, method, params }),
      task: (what: { title: string; targetName: string; targetRef?: string }, method: string, ...params: unknown[]) => runTask(bridge, { connectionId, ...what }, method, params),
    }),
    [bridge, connectionId],
  );
}
