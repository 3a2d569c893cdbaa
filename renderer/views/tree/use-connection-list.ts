/**
 * The saved connections, kept current from `connections.list` and the `connections.changed` event.
 * Interim source for the tree until the mirror store (renderer/store/) provides connections.
 */
import { useEffect, useState } from 'react';
import type { ConnectionInfo } from '../../../shared/bridge';
import { useBridge } from '../../bridge-context';

export function useConnectionList(): { connections: ConnectionInfo[]; loaded: boolean; error: Error | undefined } {
  const bridge = useBridge();
  const [state, setState] = useState<{ connections: ConnectionInfo[]; loaded: boolean; error: Error | undefined }>({ connections: [], loaded: false, error: undefined });
  useEffect(() => {
    let live = true;
    // Subscribe first, then list: a change between the two is not lost (the event wins if it comes later).
    const off = bridge.on('connections.changed', (connections) => setState({ connections, loaded: true, error: undefined }));
    bridge.request('connections.list', undefined).then(
      (connections) => live && setState((s) => (s.loaded ? s : { connections, loaded: true, error: undefined })),
      (error: Error) => live && setState((s) => ({ ...s, loaded: true, error })),
    );
    return () => {
      live = false;
      off();
    };
  }, [bridge]);
  return state;
}
