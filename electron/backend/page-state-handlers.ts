/**
 * The Bridge handlers that start something on a page's behalf and must stop it when the page goes:
 * metrics subscriptions (polling hosts' RRD data) and console tunnels. Each one is held on its caller
 * (bridge-host.ts) until the page gives it back (`metrics.unsubscribe`, `console.close`) or goes away.
 * A page acts on its own subscriptions and tunnels only: an id another page holds is ignored, like an
 * unknown one.
 */
import type { BridgeHandlers } from './bridge-host';
import type { ConsoleTunnelService } from './console-tunnel/console-tunnel';
import type { MetricsService } from './metrics/metrics-service';

type MetricsRequests = 'metrics.subscribe' | 'metrics.setVisible' | 'metrics.unsubscribe';
type ConsoleRequests = 'console.open' | 'console.close';

const metricsKey = (subscriptionId: string) => `metrics:${subscriptionId}`;
const tunnelKey = (tunnelId: string) => `console:${tunnelId}`;

export function metricsHandlers(metrics: Pick<MetricsService, 'subscribe' | 'setVisible' | 'unsubscribe'>): Pick<BridgeHandlers, MetricsRequests> {
  return {
    'metrics.subscribe': async (a, caller) => {
      const result = metrics.subscribe(a);
      caller.hold(metricsKey(result.subscriptionId), () => metrics.unsubscribe(result.subscriptionId));
      return result;
    },
    'metrics.setVisible': async (a, caller) => {
      if (caller.holds(metricsKey(a.subscriptionId))) metrics.setVisible(a.subscriptionId, a.visible);
    },
    'metrics.unsubscribe': async (a, caller) => {
      if (caller.drop(metricsKey(a.subscriptionId))) metrics.unsubscribe(a.subscriptionId);
    },
  };
}

export function consoleHandlers(consoles: Pick<ConsoleTunnelService, 'open' | 'close'>): Pick<BridgeHandlers, ConsoleRequests> {
  return {
    'console.open': async (a, caller) => {
      const ticket = await consoles.open(a.connectionId, a.vmRef);
      // Closing releases both an unused one-time URL and a live tunnel (its viewer and the host's console).
      caller.hold(tunnelKey(ticket.tunnelId), () => consoles.close(ticket.tunnelId));
      return ticket;
    },
    'console.close': async (a, caller) => {
      if (caller.drop(tunnelKey(a.tunnelId))) consoles.close(a.tunnelId);
    },
  };
}
