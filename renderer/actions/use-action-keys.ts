/**
 * Command keys for the selection (Ctrl+B start, Ctrl+E shut down, Ctrl+R reboot, Delete, Alt+Enter properties…), as listed
 * in the menus, and the command palette on Ctrl/Cmd+K, Ctrl/Cmd+Shift+P and F1 (the keys VS Code and
 * browsers' users try). Keys typed into a field, or while a dialog or menu is open, are left alone.
 */

/** The keys that open the command palette, from anywhere (also from the tree's search box). */
export function opensPalette(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): boolean {
  const ctrl = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  if (e.key === 'F1' && !ctrl && !e.shiftKey && !e.altKey) return true;
  return ctrl && !e.altKey && ((key === 'k' && !e.shiftKey) || (key === 'p' && e.shiftKey));
}
import { useEffect } from 'react';
import { useMirrorStoreApi, parseObjectId, type Target } from '../store';
import { useActionRunner } from './ActionHost';
import { ACTIONS } from './registry';
import type { KeyBinding } from './types';

export function matchesKey(binding: KeyBinding, e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): boolean {
  const ctrl = e.ctrlKey || e.metaKey;
  return e.key.toLowerCase() === binding.key.toLowerCase() && ctrl === Boolean(binding.ctrl) && e.shiftKey === Boolean(binding.shift) && e.altKey === Boolean(binding.alt);
}

export function useActionKeys(): void {
  const store = useMirrorStoreApi();
  const runner = useActionRunner();
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || runner.dialogOpen() || (e.eventPhase === Event.BUBBLING_PHASE && e.altKey)) return;
      if (opensPalette(e)) {
        e.preventDefault();
        runner.openPalette();
        return;
      }
      const el = e.target instanceof HTMLElement ? e.target : undefined;
      if (el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) || el.closest('[role="menu"],[role="dialog"],[role="alertdialog"]'))) return;
      const state = store.getState();
      const targets = state.selection.ids.map(parseObjectId).filter((t): t is Target => Boolean(t));
      const action = ACTIONS.find((a) => a.keys && matchesKey(a.keys, e) && a.appliesTo(targets, state));
      if (!action) return;
      e.preventDefault();
      e.stopPropagation();
      runner.invoke(action, targets);
    };
    // Alt chords (Alt+Enter: Properties) are taken on the way down, before a focused widget reads the key
    // without its modifier (the tree opens a row on Enter); the others when nothing below took them.
    const onAltKeyDown = (e: KeyboardEvent) => {
      if (e.altKey) onKeyDown(e);
    };
    window.addEventListener('keydown', onAltKeyDown, true);
    window.addEventListener('keydown', onKeyDown);
    return () => {
      window.removeEventListener('keydown', onAltKeyDown, true);
      window.removeEventListener('keydown', onKeyDown);
    };
  }, [store, runner]);
}
