/**
 * The command palette (Ctrl/Cmd+K): every action that can run on the selection, and every object of
 * every pool by name (VMs, hosts, storage, networks, pools). Type to filter, Up/Down to move, Enter to
 * run the action or select the object, Esc to close. A combobox with a listbox (WAI-ARIA), inside a dialog.
 */
import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import { Dialog } from '../components/Dialog';
import type { ClassMap, MirrorState, Target } from '../store';
import { ActionIcon } from './ActionIcon';
import { actionsFor } from './registry';
import { describeKeys, type Action } from './types';
import './command-palette.css';

type Entry =
  | { kind: 'action'; key: string; label: string; hint?: string; action: Action }
  | { kind: 'object'; key: string; label: string; hint: string; target: Target };

const OBJECT_CLASSES = [
  { cls: 'VM', kind: 'VM' },
  { cls: 'host', kind: 'Host' },
  { cls: 'SR', kind: 'Storage' },
  { cls: 'network', kind: 'Network' },
  { cls: 'pool', kind: 'Pool' },
] as const;

/** At most this many objects listed: the palette is for finding, the tree for browsing. */
const MAX_OBJECTS = 50;

function objectEntries(state: MirrorState, needle: string): Entry[] {
  const out: Entry[] = [];
  for (const c of state.connections) {
    if (c.hidden) continue;
    const objects = state.mirrors[c.id]?.objects;
    for (const { cls, kind } of OBJECT_CLASSES) {
      for (const [ref, r] of (objects?.[cls] as ClassMap<typeof cls> | undefined) ?? []) {
        if (cls === 'VM') {
          const vm = r as { is_control_domain: boolean; is_a_snapshot: boolean; is_a_template: boolean };
          if (vm.is_control_domain || vm.is_a_snapshot || vm.is_a_template) continue;
        }
        const name = r.name_label;
        if (!name || (needle && !name.toLowerCase().includes(needle))) continue;
        out.push({ kind: 'object', key: `${c.id}|${ref}`, label: name, hint: `${kind} · ${c.label || c.address}`, target: { kind: 'object', connectionId: c.id, cls, ref } });
        if (out.length >= MAX_OBJECTS) return out;
      }
    }
  }
  return out.sort((a, b) => a.label.localeCompare(b.label));
}

export function CommandPalette({ state, targets, onRun, onGo, onClose }: { state: MirrorState; targets: Target[]; onRun: (action: Action) => void; onGo: (target: Target) => void; onClose: () => void }) {
  const id = useId();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const needle = query.trim().toLowerCase();

  const entries = useMemo<Entry[]>(() => {
    const actions: Entry[] = actionsFor(targets, state)
      .filter((a) => a.enabled(targets, state))
      .filter((a) => !needle || a.label.toLowerCase().includes(needle))
      .map((a) => ({ kind: 'action', key: a.id, label: a.label, hint: describeKeys(a.keys), action: a }));
    return [...actions, ...objectEntries(state, needle)];
  }, [state, targets, needle]);
  const current = Math.min(active, Math.max(0, entries.length - 1));

  const choose = (entry: Entry | undefined) => {
    if (!entry) return;
    onClose();
    if (entry.kind === 'action') onRun(entry.action);
    else onGo(entry.target);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const move: Record<string, () => void> = {
      ArrowDown: () => setActive((current + 1) % Math.max(1, entries.length)),
      ArrowUp: () => setActive((current - 1 + entries.length) % Math.max(1, entries.length)),
      Enter: () => choose(entries[current]),
    };
    const f = move[e.key];
    if (!f) return;
    e.preventDefault();
    f();
  };

  return (
    <Dialog title="Command palette" onClose={onClose} width="wide">
      <input
        className="text-input palette-input"
        role="combobox"
        aria-expanded="true"
        aria-controls={`${id}-list`}
        aria-activedescendant={entries[current] ? `${id}-${current}` : undefined}
        aria-label="Search actions and objects"
        placeholder={targets.length ? 'Run an action on the selection, or go to an object…' : 'Go to an object, or run an action…'}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        data-autofocus
      />
      <ul role="listbox" id={`${id}-list`} aria-label="Actions and objects" className="palette-list">
        {entries.length === 0 && <li className="muted palette-empty">Nothing matches “{query}”.</li>}
        {entries.map((entry, i) => (
          <li
            key={entry.key}
            id={`${id}-${i}`}
            role="option"
            aria-selected={i === current}
            className="palette-item"
            onMouseMove={() => i !== current && setActive(i)}
            onClick={() => choose(entry)}
          >
            <span className="palette-icon">{entry.kind === 'action' ? <ActionIcon name={entry.action.icon} /> : null}</span>
            <span className="palette-label">{entry.label}</span>
            {entry.hint && <span className="palette-hint muted">{entry.hint}</span>}
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
