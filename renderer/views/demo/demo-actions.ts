/**
 * "Demo controls ▸ Fail host… / Restart host…": staging a host failure on the embedded demo pools, so a
 * demo stand can show HA at work without leaving the app. Offered only for a demo pool or its hosts
 * (never for a real server's objects); the backend checks again and acts through the demo simulator's
 * fault API (electron/backend/demo-controls.ts).
 */
import { createElement } from 'react';
import type { Action } from '../../actions/types';
import type { MirrorState, Target } from '../../store';
import { DemoHostDialog, type DemoHostChoice } from './DemoHostDialog';

/** A demo pool's row, its pool or one of its hosts: what a host failure is staged from. */
const isPoolOrHost = (t: Target) => t.kind === 'connection' || (t.kind === 'object' && (t.cls === 'pool' || t.cls === 'host'));

/** The demo connection the whole selection is in, when it is the pool (or its connection row) or hosts of it. */
function demoConnection(targets: Target[], state: MirrorState): string | undefined {
  if (!targets.every(isPoolOrHost)) return undefined;
  const ids = new Set(targets.map((t) => t.connectionId));
  if (ids.size !== 1) return undefined;
  const [id] = ids;
  return state.connections.find((c) => c.id === id)?.demo ? id : undefined;
}

export const demoControls: Action = {
  id: 'demo.controls',
  label: 'Demo controls',
  icon: 'demo',
  group: 'demo',
  keywords: ['fail host', 'kill host', 'power cut', 'restart host', 'simulate failure', 'HA demo'],
  needs: 'Select a demo pool or one of its hosts in the tree.',
  appliesTo: (targets, state) => targets.length > 0 && Boolean(demoConnection(targets, state)),
  disabledReason: () => undefined,
  choices: () => [
    { id: 'fail', label: 'Fail host…', detail: 'Cut a host’s power' },
    { id: 'restart', label: 'Restart host…', detail: 'Bring a failed host back' },
  ],
  async run(ctx) {
    const connectionId = demoConnection(ctx.targets, ctx.state);
    const action = ctx.choice === 'restart' ? 'restart' : ctx.choice === 'fail' ? 'fail' : undefined;
    if (!connectionId || !action) return;
    const mirror = ctx.state.mirrors[connectionId];
    const pool = mirror?.objects.pool?.values().next().value;
    const connection = ctx.state.connections.find((c) => c.id === connectionId);
    const selectedHost = ctx.targets.find((t) => t.kind === 'object' && t.cls === 'host');
    const preferred = selectedHost?.kind === 'object' ? mirror?.objects.host?.get(selectedHost.ref)?.uuid : undefined;
    const choice = await ctx.ui.dialog<DemoHostChoice>((done) =>
      createElement(DemoHostDialog, {
        connectionId,
        poolName: pool?.name_label || connection?.label || 'the demo pool',
        action,
        haEnabled: Boolean(pool?.ha_enabled),
        preferred,
        onDone: done,
      }),
    );
    if (choice) await ctx.bridge.request('demo.hostPower', { connectionId, host: choice.host, action });
  },
};
