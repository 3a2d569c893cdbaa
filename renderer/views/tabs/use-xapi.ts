/** XAPI calls of a tab on one connection, through the bridge (the main process adds the session). */
import { useMemo } from 'react';
import { useBridge } from '../../bridge-context';

export interface XapiCaller {
  call<T = unknown>(method: string, ...params: unknown[]): Promise<T>;
  /** Starts an Async.* call; resolves with the task ref (progress shows in the task panel). */
  callAsync(method: string, ...params: unknown[]): Promise<string>;
}

export function useXapi(connectionId: string): XapiCaller {
  const bridge = useBridge();
  return useMemo(
    () => ({
      call: <T,>(method: string, ...params: unknown[]) => bridge.request('xapi.call', { connectionId, method, params }) as Promise<T>,
      callAsync: (method: string, ...params: unknown[]) => bridge.request('xapi.callAsync', { connectionId, method, params }),
    }),
    [bridge, connectionId],
  );
}
