/**
 * An object's icon with its state as a small badge whose shape says the state as well as its colour does
 * (XenCenter's power icons): running ▶ in green, shut down ■, suspended ☾, paused ❚❚, a host in maintenance
 * mode ⊖, unreachable or failing ✕, connecting ◌. The row's accessible name says the state in words.
 */
import { Icon, type IconName } from '../../components/Icon';
import type { NodeKind, NodeState } from './tree-model';

const ICONS: Record<NodeKind, IconName> = {
  connection: 'server',
  pool: 'pool',
  host: 'host',
  vm: 'vm',
  template: 'template',
  snapshot: 'snapshot',
  sr: 'sr',
  network: 'network',
  container: 'container',
  group: 'group',
  tag: 'tag',
  folder: 'folder',
};

/** The badge's glyph on a 10×10 grid, drawn in the surface colour over the state's colour. */
const GLYPHS: Record<Exclude<NodeState, undefined>, string> = {
  running: 'M3.6 2.6v4.8l3.9-2.4z',
  live: 'M2.7 5.1l1.7 1.7 3-3.3',
  halted: 'M3 3h4v4H3z',
  suspended: 'M6.4 2.6a2.6 2.6 0 1 0 0 4.8 2.1 2.1 0 0 1 0-4.8z',
  paused: 'M3.1 2.8h1.3v4.4H3.1zM5.6 2.8h1.3v4.4H5.6z',
  maintenance: 'M2.6 4.3h4.8v1.4H2.6z',
  dead: 'M3.1 3.1l3.8 3.8M6.9 3.1 3.1 6.9',
  error: 'M3.1 3.1l3.8 3.8M6.9 3.1 3.1 6.9',
  connecting: 'M5 2.6a2.4 2.4 0 1 1-2.4 2.4',
  disconnected: 'M3.1 3.1l3.8 3.8M6.9 3.1 3.1 6.9',
};

/** Glyphs drawn as strokes (the others are filled shapes). */
const STROKED = new Set<NodeState>(['live', 'dead', 'error', 'connecting', 'disconnected']);

export function ObjectIcon({ kind, state }: { kind: NodeKind; state?: NodeState }) {
  return (
    <span className={`obj-icon kind-${kind}`} data-state={state}>
      <Icon name={ICONS[kind]} />
      {state && (
        <svg className={`state-badge state-${state}`} width="10" height="10" viewBox="0 0 10 10" aria-hidden="true" focusable="false">
          <circle cx="5" cy="5" r="4.6" className="state-badge-disc" />
          <path d={GLYPHS[state]} className={STROKED.has(state) ? 'state-badge-stroke' : 'state-badge-fill'} />
        </svg>
      )}
    </span>
  );
}
