/**
 * The harness page: the real <PerformanceTab> with a Bridge over HTTP + server-sent events and a mirror store
 * loaded once from the harness. `?vm=<name>` or `?host=<name>` picks the object.
 */
import '../renderer/styles/base.css';
import { createRoot } from 'react-dom/client';
import type { Bridge, BridgeEvents, EventName } from '../shared/bridge';
import { BridgeProvider } from '../renderer/bridge-context';
import { createMirrorStore, MirrorStoreProvider } from '../renderer/store';
import { PerformanceTab } from '../renderer/views/performance';

const listeners = new Map<string, Set<(payload: unknown) => void>>();
const events = new EventSource('/events');
events.onmessage = (e) => {
  for (const l of listeners.get('metrics.update') ?? []) l(JSON.parse(String(e.data)));
};

const bridge: Bridge = {
  async request(name, args) {
    const res = await fetch(`/bridge/${name}`, { method: 'POST', body: JSON.stringify(args ?? null) });
    const reply = (await res.json()) as { result?: unknown; error?: { code: string; params: string[]; message: string } };
    if (reply.error) throw Object.assign(new Error(reply.error.message), reply.error);
    return reply.result as never;
  },
  on<E extends EventName>(event: E, listener: (payload: BridgeEvents[E]) => void) {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    const l = listener as (payload: unknown) => void;
    set.add(l);
    return () => set.delete(l);
  },
};

const store = createMirrorStore();
const batch = await (await fetch('/mirror')).json();
store.getState().applyBatch(batch);
const params = new URLSearchParams(location.search);
const cls = params.has('host') ? 'host' : 'VM';
const name = params.get('host') ?? params.get('vm') ?? 'web-01';
const records = batch.added[cls] as Record<string, { name_label: string; is_a_template?: boolean }>;
const ref = Object.keys(records).find((r) => records[r].name_label === name && !records[r].is_a_template)!;

createRoot(document.getElementById('root')!).render(
  <BridgeProvider bridge={bridge}>
    <MirrorStoreProvider store={store}>
      <main style={{ padding: 8 }}>
        <h1 style={{ fontSize: 18, margin: '4px 12px' }}>{name}</h1>
        <PerformanceTab connectionId="demo" objectClass={cls} objectRef={ref} />
      </main>
    </MirrorStoreProvider>
  </BridgeProvider>,
);
