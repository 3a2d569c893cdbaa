/**
 * A context menu (WAI-ARIA menu pattern): role=menu with role=menuitem rows, focus on the first
 * enabled item when it opens, Up/Down/Home/End move (skipping separators, wrapping), a letter jumps
 * to the next item starting with it, Enter/Space run the item, Esc and Tab close it and give focus
 * back to where it was. Disabled items stay visible (aria-disabled) so the user sees what exists.
 * Placed at the pointer, or under the element for the context-menu key, kept inside the window.
 */
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import './context-menu.css';

export type ContextMenuEntry =
  | { kind: 'item'; id: string; label: string; icon?: ReactNode; disabled?: boolean; shortcut?: string; danger?: boolean }
  | { kind: 'separator'; id: string };

export interface ContextMenuProps {
  label: string;
  entries: ContextMenuEntry[];
  /** Viewport coordinates (clientX/clientY). */
  at: { x: number; y: number };
  onSelect: (id: string) => void;
  onClose: () => void;
}

export function ContextMenu({ label, entries, at, onSelect, onClose }: ContextMenuProps) {
  const ref = useRef<HTMLUListElement>(null);
  const itemRefs = useRef(new Map<string, HTMLLIElement>());
  const [position, setPosition] = useState(at);
  const items = entries.filter((e): e is Extract<ContextMenuEntry, { kind: 'item' }> => e.kind === 'item');
  const enabled = items.filter((i) => !i.disabled);
  const [focused, setFocused] = useState<string | undefined>(enabled[0]?.id ?? items[0]?.id);
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });

  // Keep the menu inside the window: flip left/up when it would overflow.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const rect = el.getBoundingClientRect();
    const x = at.x + rect.width > window.innerWidth ? Math.max(0, at.x - rect.width) : at.x;
    const y = at.y + rect.height > window.innerHeight ? Math.max(0, window.innerHeight - rect.height - 4) : at.y;
    setPosition({ x, y });
  }, [at]);

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    const close = (event: Event) => {
      if (ref.current && event.target instanceof Node && ref.current.contains(event.target)) return;
      onCloseRef.current();
    };
    const closeNow = () => onCloseRef.current();
    document.addEventListener('mousedown', close, true);
    window.addEventListener('blur', closeNow);
    window.addEventListener('resize', closeNow);
    return () => {
      document.removeEventListener('mousedown', close, true);
      window.removeEventListener('blur', closeNow);
      window.removeEventListener('resize', closeNow);
      if (previous?.isConnected) previous.focus();
    };
  }, []);

  useEffect(() => {
    if (focused) itemRefs.current.get(focused)?.focus();
    else ref.current?.focus();
  }, [focused]);

  const move = (from: string | undefined, step: 1 | -1) => {
    if (items.length === 0) return undefined;
    let index = items.findIndex((i) => i.id === from);
    for (let n = 0; n < items.length; n++) {
      index = (index + step + items.length) % items.length;
      if (!items[index].disabled) return items[index].id;
    }
    return from;
  };

  const activate = (id: string) => {
    const item = items.find((i) => i.id === id);
    if (!item || item.disabled) return;
    onClose();
    onSelect(id);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const keys: Record<string, () => void> = {
      ArrowDown: () => setFocused((f) => move(f, 1)),
      ArrowUp: () => setFocused((f) => move(f, -1)),
      Home: () => setFocused(enabled[0]?.id),
      End: () => setFocused(enabled[enabled.length - 1]?.id),
      Enter: () => focused && activate(focused),
      ' ': () => focused && activate(focused),
      Escape: () => onClose(),
      Tab: () => onClose(),
    };
    const action = keys[event.key];
    if (action) {
      event.preventDefault();
      event.stopPropagation();
      action();
      return;
    }
    if (event.key.length === 1 && /\S/.test(event.key)) {
      // Type-ahead: the next enabled item whose label starts with the letter, after the focused one.
      const letter = event.key.toLowerCase();
      const start = items.findIndex((i) => i.id === focused);
      for (let n = 1; n <= items.length; n++) {
        const candidate = items[(start + n) % items.length];
        if (!candidate.disabled && candidate.label.toLowerCase().startsWith(letter)) {
          setFocused(candidate.id);
          break;
        }
      }
    }
  };

  return createPortal(
    <ul
      ref={ref}
      role="menu"
      aria-label={label}
      className="context-menu"
      tabIndex={-1}
      style={{ left: position.x, top: position.y }}
      onKeyDown={onKeyDown}
      onContextMenu={(e) => e.preventDefault()}
    >
      {entries.map((entry) =>
        entry.kind === 'separator' ? (
          <li key={entry.id} role="separator" className="context-menu-separator" />
        ) : (
          <li
            key={entry.id}
            role="menuitem"
            aria-disabled={entry.disabled || undefined}
            // The key is announced as a shortcut, not as part of the item's name ("Shut down", not "Shut down Ctrl+E").
            aria-keyshortcuts={entry.shortcut?.replace(/\bCtrl\b/g, 'Control')}
            tabIndex={entry.id === focused ? 0 : -1}
            className={`context-menu-item${entry.danger ? ' is-danger' : ''}`}
            ref={(el) => {
              if (el) itemRefs.current.set(entry.id, el);
              else itemRefs.current.delete(entry.id);
            }}
            onMouseEnter={() => !entry.disabled && setFocused(entry.id)}
            onClick={() => activate(entry.id)}
          >
            <span className="context-menu-icon">{entry.icon}</span>
            <span className="context-menu-label">{entry.label}</span>
            {entry.shortcut && (
              <span className="context-menu-shortcut" aria-hidden="true">
                {entry.shortcut}
              </span>
            )}
          </li>
        ),
      )}
    </ul>,
    document.body,
  );
}
