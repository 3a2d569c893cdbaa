/**
 * Menus on Radix (WAI-ARIA menu pattern): a context menu around an element (right-click, the context-menu
 * key or Shift+F10 through `openContextMenuFromKeyboard`) and a menu behind a toolbar button, with
 * submenus. What they hold is a list of MenuEntry (menu-model.ts).
 *
 * - Up/Down/Home/End move, Right opens a submenu and Left closes it, a letter jumps to the next item
 *   starting with it, Enter/Space run the item, Esc closes; focus goes back where it was.
 * - An item that cannot run stays visible and focusable (aria-disabled, as the APG asks) and says why:
 *   in a tooltip on hover or focus, and as the item's accessible description.
 * - Items with a background `check` wait "Checking…" until it answers; a submenu whose entries are a loader
 *   shows "Loading…" until they come. Both run while the menu is open and are told to stop when it closes.
 *
 * Menus are not modal (`modal={false}`): Radix's modal menus lock scrolling with an injected <style>
 * element, which the window's CSP refuses; a click outside still closes them.
 */
import * as RadixContextMenu from '@radix-ui/react-context-menu';
import * as RadixDropdownMenu from '@radix-ui/react-dropdown-menu';
import { createContext, useContext, useEffect, useId, useRef, useState, type ComponentProps, type ComponentType, type ReactElement, type ReactNode, type RefObject } from 'react';
import { CHECKING, CheckCache, describeFailure, type MenuEntry, type MenuItem, type MenuSubmenu } from './menu-model';
import { Tooltip, useDescribingTooltip } from './Tooltip';
import './menu.css';

export type { MenuEntry, MenuItem, MenuSubmenu } from './menu-model';

/** The Radix parts a menu body is drawn with: the context menu's or the dropdown menu's (same shapes). */
interface Parts {
  Item: ComponentType<ComponentProps<typeof RadixDropdownMenu.Item>>;
  CheckboxItem: ComponentType<ComponentProps<typeof RadixDropdownMenu.CheckboxItem>>;
  Separator: ComponentType<ComponentProps<typeof RadixDropdownMenu.Separator>>;
  Sub: ComponentType<ComponentProps<typeof RadixDropdownMenu.Sub>>;
  SubTrigger: ComponentType<ComponentProps<typeof RadixDropdownMenu.SubTrigger>>;
  SubContent: ComponentType<ComponentProps<typeof RadixDropdownMenu.SubContent>>;
  Portal: ComponentType<ComponentProps<typeof RadixDropdownMenu.Portal>>;
}

const CONTEXT_PARTS: Parts = RadixContextMenu;
const DROPDOWN_PARTS: Parts = RadixDropdownMenu;

const MenuContext = createContext<{ parts: Parts; cache: CheckCache } | undefined>(undefined);

function useMenu() {
  const menu = useContext(MenuContext);
  if (!menu) throw new Error('menu entries outside a menu');
  return menu;
}

const keyShortcuts = (shortcut: string | undefined) => shortcut?.replace(/\bCtrl\b/g, 'Control');

function ItemBody({ icon, label, detail, shortcut, submenu }: { icon?: ReactNode; label: string; detail?: string; shortcut?: string; submenu?: boolean }) {
  return (
    <>
      <span className="menu-icon" aria-hidden="true">
        {icon}
      </span>
      <span className="menu-label">{label}</span>
      {detail && <span className="menu-detail">{detail}</span>}
      {shortcut && (
        <span className="menu-shortcut" aria-hidden="true">
          {shortcut}
        </span>
      )}
      {submenu && (
        <span className="menu-submenu-arrow" aria-hidden="true">
          ▸
        </span>
      )}
    </>
  );
}

/** The verdict of an item's background check, once it answers. */
function useCheck(item: MenuItem, cache: CheckCache): { done: boolean; reason?: string } {
  const [verdict, setVerdict] = useState<{ item: MenuItem; reason?: string }>();
  useEffect(() => {
    const pending = cache.verdict(item);
    if (!pending) return;
    let live = true;
    void pending.then((reason) => live && setVerdict({ item, reason }));
    return () => {
      live = false;
    };
  }, [item, cache]);
  return verdict?.item === item ? { done: true, reason: verdict.reason } : { done: !item.check };
}

/**
 * An entry that cannot run: focusable (so a keyboard user reaches it and hears why), described by its
 * reason, selecting it does nothing and keeps the menu open.
 */
function DisabledItem({ id, icon, label, detail, shortcut, reason, busy, submenu }: { id: string; icon?: ReactNode; label: string; detail?: string; shortcut?: string; reason: string; busy?: boolean; submenu?: boolean }) {
  const { parts: P } = useMenu();
  const descriptionId = useId();
  const tip = useDescribingTooltip(descriptionId);
  return (
    <Tooltip content={reason} side="right" open={tip.open} onOpenChange={tip.onOpenChange}>
      <P.Item
        className="menu-item"
        data-id={id}
        aria-disabled="true"
        data-disabled=""
        aria-busy={busy || undefined}
        aria-label={detail ? `${label}, ${detail}` : label}
        aria-describedby={tip.describedBy}
        aria-keyshortcuts={keyShortcuts(shortcut)}
        aria-haspopup={submenu ? 'menu' : undefined}
        textValue={label}
        onSelect={(event) => event.preventDefault()}
      >
        <ItemBody icon={icon} label={label} detail={detail} shortcut={shortcut} submenu={submenu} />
        <span id={descriptionId} className="visually-hidden">
          {reason}
        </span>
      </P.Item>
    </Tooltip>
  );
}

function Item({ item }: { item: MenuItem }) {
  const { parts: P, cache } = useMenu();
  const check = useCheck(item, cache);
  const reason = item.disabledReason ?? (check.done ? check.reason : CHECKING);
  // A choice its background check refused (a host that cannot take the VM) says why beside its name, as
  // XenCenter's host lists do; other reasons stay in the tooltip.
  const detail = item.disabledReason === undefined && check.reason !== undefined ? check.reason : item.detail;
  if (reason !== undefined) return <DisabledItem id={item.id} icon={item.icon} label={item.label} detail={detail} shortcut={item.shortcut} reason={reason} busy={!check.done} />;
  if (item.checked !== undefined) {
    return (
      <P.CheckboxItem
        className="menu-item"
        data-id={item.id}
        checked={item.checked}
        textValue={item.label}
        onSelect={(event) => {
          // Options are often set several at once: the menu stays open.
          event.preventDefault();
          item.onSelect();
        }}
      >
        <ItemBody icon={<span className="menu-check">{item.checked ? '✓' : ''}</span>} label={item.label} detail={item.detail} />
      </P.CheckboxItem>
    );
  }
  return (
    <P.Item
      className={`menu-item${item.danger ? ' is-danger' : ''}`}
      data-id={item.id}
      aria-label={item.detail ? `${item.label}, ${item.detail}` : item.label}
      aria-keyshortcuts={keyShortcuts(item.shortcut)}
      textValue={item.label}
      onSelect={() => item.onSelect()}
    >
      <ItemBody icon={item.icon} label={item.label} detail={item.detail} shortcut={item.shortcut} />
    </P.Item>
  );
}

/** A submenu's entries: given, or loaded when it first opens (kept for this opening of the menu). */
function SubmenuEntries({ submenu }: { submenu: MenuSubmenu }) {
  const { cache } = useMenu();
  const loader = typeof submenu.entries === 'function' ? submenu.entries : undefined;
  const [loaded, setLoaded] = useState<{ entries?: MenuEntry[]; error?: string }>();
  useEffect(() => {
    if (!loader) return;
    let live = true;
    loader(cache.signal).then(
      (entries) => live && setLoaded({ entries }),
      (err: unknown) => live && setLoaded({ error: describeFailure(err) }),
    );
    return () => {
      live = false;
    };
  }, [loader, cache]);
  if (!loader) return <Entries entries={submenu.entries as MenuEntry[]} />;
  if (!loaded) return <DisabledItem id={`${submenu.id}-loading`} label="Loading…" reason={CHECKING} busy />;
  if (loaded.error !== undefined) return <DisabledItem id={`${submenu.id}-error`} label="Could not load the choices" reason={loaded.error} />;
  if (!loaded.entries?.length) return <DisabledItem id={`${submenu.id}-empty`} label="Nothing to choose" reason="There is no choice for this selection." />;
  return <Entries entries={loaded.entries} />;
}

function Submenu({ submenu }: { submenu: MenuSubmenu }) {
  const { parts: P } = useMenu();
  if (submenu.disabledReason !== undefined) return <DisabledItem id={submenu.id} icon={submenu.icon} label={submenu.label} reason={submenu.disabledReason} submenu />;
  return (
    <P.Sub>
      <P.SubTrigger className="menu-item" data-id={submenu.id} textValue={submenu.label}>
        <ItemBody icon={submenu.icon} label={submenu.label} submenu />
      </P.SubTrigger>
      <P.Portal>
        <P.SubContent className="menu" aria-label={submenu.label} sideOffset={2} alignOffset={-4} collisionPadding={4}>
          <SubmenuEntries submenu={submenu} />
        </P.SubContent>
      </P.Portal>
    </P.Sub>
  );
}

function Entries({ entries }: { entries: readonly MenuEntry[] }) {
  const { parts: P } = useMenu();
  return (
    <>
      {entries.map((entry) =>
        entry.kind === 'separator' ? <P.Separator key={entry.id} className="menu-separator" />
        : entry.kind === 'submenu' ? <Submenu key={entry.id} submenu={entry} />
        : <Item key={entry.id} item={entry} />,
      )}
    </>
  );
}

/** One opening of a menu: its entries as they were when it opened, and the checks it started. */
interface Opening {
  entries: MenuEntry[];
  cache: CheckCache;
}

function useOpenings(entries: MenuEntry[] | (() => MenuEntry[])) {
  const [opening, setOpening] = useState<Opening>();
  const current = useRef<Opening>(undefined);
  useEffect(() => () => current.current?.cache.dispose(), []);
  const onOpenChange = (open: boolean) => {
    current.current?.cache.dispose();
    const next = open ? (typeof entries === 'function' ? entries() : entries) : [];
    // Nothing to offer: the menu stays closed (and the next right-click asks again).
    current.current = next.length ? { entries: next, cache: new CheckCache() } : undefined;
    setOpening(current.current);
  };
  return { opening, open: opening !== undefined, onOpenChange };
}

/**
 * Focuses the menu's first item that can run when it mounts (a menu opened from the keyboard). Focus
 * already inside the menu keeps Radix from moving it to the menu itself.
 */
function FocusFirstEnabled({ content }: { content: RefObject<HTMLDivElement | null> }) {
  useEffect(() => {
    const root = content.current;
    const first = root?.querySelector<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])') ?? root?.querySelector<HTMLElement>('[role="menuitem"]');
    first?.focus();
  }, [content]);
  return null;
}

let keyboardOpening = false;

/**
 * Opens the context menu of `element` (inside a <ContextMenu>) from the keyboard: a contextmenu event at the
 * element's start, which the menu takes like a right-click, with focus on its first item that can run.
 */
export function openContextMenuFromKeyboard(element: HTMLElement): void {
  const rect = element.getBoundingClientRect();
  keyboardOpening = true;
  try {
    element.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true, clientX: rect.left + 24, clientY: rect.bottom, button: 2 }));
  } finally {
    keyboardOpening = false;
  }
}

export interface ContextMenuProps {
  /** The menu's accessible name ("Actions"). */
  label: string;
  /** Computed when the menu opens (after the right-click updated the selection). An empty list opens nothing. */
  entries: () => MenuEntry[];
  /** The element whose right-click opens the menu; must take a ref and spread props onto a DOM element. */
  children: ReactElement;
}

export function ContextMenu({ label, entries, children }: ContextMenuProps) {
  const { opening, open, onOpenChange } = useOpenings(entries);
  const contentRef = useRef<HTMLDivElement>(null);
  const [fromKeyboard, setFromKeyboard] = useState(false);
  return (
    <RadixContextMenu.Root
      modal={false}
      open={open}
      onOpenChange={(open) => {
        setFromKeyboard(open && keyboardOpening);
        onOpenChange(open);
      }}
    >
      <RadixContextMenu.Trigger asChild>{children}</RadixContextMenu.Trigger>
      {opening && (
        <RadixContextMenu.Portal>
          <RadixContextMenu.Content
            ref={contentRef}
            className="menu"
            aria-label={label}
            collisionPadding={4}
          >
            <MenuContext.Provider value={{ parts: CONTEXT_PARTS, cache: opening.cache }}>
              <Entries entries={opening.entries} />
            </MenuContext.Provider>
            {fromKeyboard && <FocusFirstEnabled content={contentRef} />}
          </RadixContextMenu.Content>
        </RadixContextMenu.Portal>
      )}
    </RadixContextMenu.Root>
  );
}

export interface DropdownMenuProps {
  label: string;
  /** The entries, or a function giving them (asked again on every render while the menu is open). */
  entries: MenuEntry[] | (() => MenuEntry[]);
  /** The button that opens the menu (Enter, Space, Down or a click). */
  trigger: ReactElement;
  /** The menu does not open (its button says why); a menu already open stays until closed. */
  disabled?: boolean;
  /** The menu closed (and gave focus back to its button). */
  onClose?: () => void;
}

export function DropdownMenu({ label, entries, trigger, disabled = false, onClose }: DropdownMenuProps) {
  const openings = useOpenings(entries);
  const { opening, open } = openings;
  const onOpenChange = (next: boolean) => {
    if (next && disabled) return;
    if (!next && open) onClose?.();
    openings.onOpenChange(next);
  };
  // A toolbar menu follows what it shows while open (a view option just toggled shows its new check).
  const shown = opening ? (typeof entries === 'function' ? entries() : entries) : [];
  return (
    <RadixDropdownMenu.Root modal={false} open={open} onOpenChange={onOpenChange}>
      <RadixDropdownMenu.Trigger asChild>{trigger}</RadixDropdownMenu.Trigger>
      {opening && (
        <RadixDropdownMenu.Portal>
          <RadixDropdownMenu.Content className="menu" aria-label={label} align="start" sideOffset={2} collisionPadding={4}>
            <MenuContext.Provider value={{ parts: DROPDOWN_PARTS, cache: opening.cache }}>
              <Entries entries={shown} />
            </MenuContext.Provider>
          </RadixDropdownMenu.Content>
        </RadixDropdownMenu.Portal>
      )}
    </RadixDropdownMenu.Root>
  );
}
