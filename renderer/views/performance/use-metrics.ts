/**
 * Subscribes to one object's performance data for one range (`metrics.subscribe`), follows `metrics.update`
 * events, tells the main process when nobody can see the charts (`metrics.setVisible`) so that its polling
 * pauses, and unsubscribes when the view goes away or the range changes.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Bridge, BridgeErrorShape, MetricsUpdate } from '../../../shared/bridge';
import type { MetricsRange } from '../../../shared/api-client/rrd/rrd-ranges';

export interface MetricsState {
  update?: MetricsUpdate;
  /** The subscription itself failed (bad ref, backend gone). */
  error?: BridgeErrorShape;
}

export function useMetrics(
  bridge: Pick<Bridge, 'request' | 'on'>,
  target: { connectionId: string; objectClass: 'host' | 'VM'; ref: string; range: MetricsRange },
  visible: boolean,
): MetricsState {
  const { connectionId, objectClass, ref, range } = target;
  // State is tagged with the target it belongs to, so a new target starts empty without a reset in the effect.
  const key = `${connectionId}|${objectClass}|${ref}|${range}`;
  const [state, setState] = useState<MetricsState & { key?: string }>({});
  const subscription = useRef<string | undefined>(undefined);
  const visibleNow = useRef(visible);
  useLayoutEffect(() => {
    visibleNow.current = visible;
  }, [visible]);

  useEffect(() => {
    let live = true;
    let id: string | undefined;
    // Updates may arrive before the subscribe reply: keep the newest per subscription until the id is known.
    const early = new Map<string, MetricsUpdate>();
    const off = bridge.on('metrics.update', (u) => {
      if (!live) return;
      if (id === undefined) early.set(u.subscriptionId, u);
      else if (u.subscriptionId === id) setState({ key, update: u });
    });
    const sentVisible = visibleNow.current;
    bridge.request('metrics.subscribe', { connectionId, objectClass, ref, range, visible: sentVisible }).then(
      (r) => {
        if (!live) {
          void bridge.request('metrics.unsubscribe', { subscriptionId: r.subscriptionId }).catch(() => undefined);
          return;
        }
        id = r.subscriptionId;
        subscription.current = id;
        const first = early.get(id);
        early.clear();
        if (first) setState({ key, update: first });
        if (visibleNow.current !== sentVisible) void bridge.request('metrics.setVisible', { subscriptionId: id, visible: visibleNow.current }).catch(() => undefined);
      },
      (err: BridgeErrorShape) => live && setState({ key, error: err }),
    );
    // Closing or reloading the page unmounts nothing: say goodbye so the main process stops polling for us.
    const onPageHide = () => {
      if (id) void bridge.request('metrics.unsubscribe', { subscriptionId: id }).catch(() => undefined);
      id = undefined;
    };
    window.addEventListener('pagehide', onPageHide);
    return () => {
      live = false;
      off();
      window.removeEventListener('pagehide', onPageHide);
      subscription.current = undefined;
      if (id) void bridge.request('metrics.unsubscribe', { subscriptionId: id }).catch(() => undefined);
    };
  }, [bridge, connectionId, objectClass, ref, range, key]);

  useEffect(() => {
    const id = subscription.current;
    if (id) void bridge.request('metrics.setVisible', { subscriptionId: id, visible }).catch(() => undefined);
  }, [bridge, visible]);

  return state.key === key ? { update: state.update, error: state.error } : {};
}

/** Whether `element` is on screen (at least partly) and the page itself is visible. */
export function useOnScreen(element: HTMLElement | null): boolean {
  const [intersecting, setIntersecting] = useState(true);
  const [pageVisible, setPageVisible] = useState(() => typeof document === 'undefined' || document.visibilityState !== 'hidden');
  useEffect(() => {
    const onChange = () => setPageVisible(document.visibilityState !== 'hidden');
    document.addEventListener('visibilitychange', onChange);
    return () => document.removeEventListener('visibilitychange', onChange);
  }, []);
  useEffect(() => {
    if (!element || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => setIntersecting(entries.some((e) => e.isIntersecting)));
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);
  return intersecting && pageVisible;
}
