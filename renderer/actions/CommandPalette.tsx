/**
 * The command palette (Ctrl/Cmd+K, Ctrl+Shift+P, F1): every action of the registry, with its keys, and
 * every object of every pool by name (VMs, hosts, storage, networks, pools). Actions that can run on the
 * selection come first; the others stay listed, disabled, with the reason (what to select, or why not
 * now). An action with choices is listed once per choice ("Start on Server: xcp-prod-02"). Type to
 * filter (labels and the words actions are known by: "snap", "maint"), Up/Down to move, Enter to run
 * the action or select the object, Esc to close. A combobox with a listbox (WAI-ARIA), inside a dialog.
 */
import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import { Dialog } from '../components/Dialog';
import type { ClassMap, MirrorState, Target } from '../store';
import { objectLabels } from '../store/object-labels';
import { ActionIcon } from './ActionIcon';
import { ACTIONS } from './registry';
import { actionVerdict, describeKeys, type Action } from './types';
import './command-palette.css';

type Entry =
  | { kind: 'action'; key: string; label: string; keys?: string; reason?: string; action: Action; choice?: string }
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
    const mirror = state.mirrors[c.id];
    const objects = mirror?.objects;
    for (const { cls, kind } of OBJECT_CLASSES) {
      const map = objects?.[cls] as ClassMap<typeof cls> | undefined;
      if (!map || !mirror) continue;
      // Names that repeat in a pool ("Local storage") say where they live.
      const labels = cls === 'SR' || cls === 'network' ? objectLabels(mirror, cls) : undefined;
      for (const [ref, r] of map) {
        if (cls === 'VM') {
          const vm = r as { is_control_domain: boolean; is_a_snapshot: boolean; is_a_template: boolean };
          if (vm.is_control_domain || vm.is_a_snapshot || vm.is_a_template) continue;
        }
        const name = labels?.get(ref) ?? r.name_label;
        if (!name || (needle && !name.toLowerCase().includes(needle))) continue;
        out.push({ kind: 'object', key: `${c.id}|${ref}`, label: name, hint: `${kind} · ${c.label || c.address}`, target: { kind: 'object', connectionId: c.id, cls, ref } });
        if (out.length >= MAX_OBJECTS) return out;
      }
    }
  }
  return out.sort((a, b) => a.label.localeCompare(b.label));
}

const matches = (action: Action, label: string, needle: string) => !needle || label.toLowerCase().includes(needle) || action.keywords?.some((k) => k.toLowerCase().includes(needle)) || action.id.toLowerCase().includes(needle);

/** Every action (and each choice of an action with choices), those that can run on the selection first. */
export function actionEntries(targets: Target[], state: MirrorState, needle: string): Entry[] {
  const ready: Entry[] = [];
  const blocked: Entry[] = [];
  for (const action of ACTIONS) {
    const verdict = actionVerdict(action, targets, state);
    const keys = describeKeys(action.keys);
    if (action.choices && verdict.applies && verdict.reason === undefined) {
      for (const choice of action.choices(targets, state)) {
        const label = `${action.label}: ${choice.label}`;
        if (!matches(action, label, needle)) continue;
        (choice.disabledReason ? blocked : ready).push({ kind: 'action', key: `${action.id}:${choice.id}`, label, reason: choice.disabledReason, action, choice: choice.id });
      }
      continue;
    }
    if (!matches(action, action.label, needle)) continue;
    (verdict.reason === undefined ? ready : blocked).push({ kind: 'action', key: action.id, label: action.label, keys, reason: verdict.reason, action });
  }
  return [...ready, ...blocked];
}

export function CommandPalette({ state, targets, onRun, onGo, onClose }: { state: MirrorState; targets: Target[]; onRun: (action: Action, choice?: string) => void; onGo: (target: Target) => void; onClose: () => void }) {
  const id = useId();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const needle = query.trim().toLowerCase();

  const entries = useMemo<Entry[]>(() => [...actionEntries(targets, state, needle), ...objectEntries(state, needle)], [state, targets, needle]);
  const current = Math.min(active, Math.max(0, entries.length - 1));
  const [refused, setRefused] = useState<string>();

  const choose = (entry: Entry | undefined) => {
    if (!entry) return;
    if (entry.kind === 'action' && entry.reason !== undefined) {
      setRefused(`${entry.label}: ${entry.reason}`);
      return;
    }
    onClose();
    if (entry.kind === 'action') onRun(entry.action, entry.choice);
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
          setRefused(undefined);
        }}
        onKeyDown={onKeyDown}
        data-autofocus
      />
      <p className="palette-refused" role="status">
        {refused}
      </p>
      <ul role="listbox" id={`${id}-list`} aria-label="Actions and objects" className="palette-list">
        {entries.length === 0 && <li className="muted palette-empty">Nothing matches “{query}”.</li>}
        {entries.map((entry, i) => (
          <li
            key={entry.key}
            id={`${id}-${i}`}
            role="option"
            aria-label={entry.kind === 'object' ? `${entry.label} ${entry.hint}` : entry.label}
            aria-keyshortcuts={entry.kind === 'action' ? entry.keys?.replace(/\bCtrl\b/g, 'Control') : undefined}
            aria-selected={i === current}
            aria-disabled={entry.kind === 'action' && entry.reason !== undefined ? true : undefined}
            aria-describedby={entry.kind === 'action' && entry.reason !== undefined ? `${id}-${i}-why` : undefined}
            className="palette-item"
            onMouseMove={() => i !== current && setActive(i)}
            onClick={() => choose(entry)}
          >
            <span className="palette-icon">{entry.kind === 'action' ? <ActionIcon name={entry.action.icon} /> : null}</span>
            <span className="palette-text">
              <span className="palette-label">{entry.label}</span>
              {entry.kind === 'action' && entry.reason !== undefined && (
                <span className="palette-reason" id={`${id}-${i}-why`}>
                  {entry.reason}
                </span>
              )}
            </span>
            {entry.kind === 'object' ? <span className="palette-hint muted">{entry.hint}</span> : entry.keys && (
                <kbd className="palette-hint" aria-hidden="true">
                  {entry.keys}
                </kbd>
              )}
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
