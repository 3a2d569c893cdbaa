/**
 * The Bridge before the backend is ready: the window opens at once (a keychain prompt, a D-Bus timeout or the
 * demo hosts' certificates must not keep the user looking at nothing), its requests wait for the backend and
 * its subscriptions start when the backend does. If the backend fails to start, every request fails with
 * APP_START_FAILED and the reason, which the page shows like any other error.
 */
import { bridgeError } from '../shared/bridge';
import { createPageCaller, EventHub, type BridgeHost } from './backend/bridge-host';

export function deferredBridgeHost(ready: Promise<BridgeHost>, log?: (line: string) => void): BridgeHost {
  const hub = new EventHub();
  const started = ready.then(
    (host) => {
      host.subscribe(hub.emit);
      return host;
    },
    (err: unknown) => {
      const reason = err instanceof Error ? err.message : String(err);
      throw bridgeError('APP_START_FAILED', [reason], `XenDeck could not start: ${reason}`);
    },
  );
  // Rejections are answered per request; the unobserved copy must not crash the process.
  started.catch(() => undefined);
  return {
    async request(name, args, caller) {
      return (await started).request(name, args, caller);
    },
    // Callers only hold releases: the same kind of object serves before and after the backend starts.
    openCaller: () => createPageCaller(log),
    subscribe: (listener) => hub.subscribe(listener),
  };
}
