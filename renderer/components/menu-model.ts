/**
 * What a menu holds (context menus and toolbar menus alike, drawn by Menu.tsx): items, separators and
 * submenus. An item that cannot run now stays in the menu, disabled, and says why (`disabledReason`,
 * shown in its tooltip and read as its description). Items and submenus may be computed in the
 * background: `check` decides after the menu opened whether an item can run (one host of "Migrate to
 * Server ▸" asks the pool), and a submenu's `entries` may be a loader (its items come from a call).
 */
import type { ReactNode } from 'react';

/** The verdict of an item's background check: undefined = it can run; a string = why it cannot. */
export type CheckVerdict = string | undefined;

export interface MenuItem {
  kind: 'item';
  id: string;
  label: string;
  icon?: ReactNode;
  /** As the user types it: "Ctrl+B". */
  shortcut?: string;
  danger?: boolean;
  /** Set when the item cannot run now: the reason, in words ("The VM is not running."). */
  disabledReason?: string;
  /** Checked in the background when the menu shows the item; the item waits disabled ("Checking…") meanwhile. */
  check?: (signal: AbortSignal) => Promise<CheckVerdict>;
  /** A short second text after the label ("12 GiB free"). */
  detail?: string;
  /** A check box item (a view option): checked or not; selecting it toggles and keeps the menu open. */
  checked?: boolean;
  onSelect: () => void;
}

export interface MenuSeparator {
  kind: 'separator';
  id: string;
}

export interface MenuSubmenu {
  kind: 'submenu';
  id: string;
  label: string;
  icon?: ReactNode;
  /** Set when none of the submenu applies now; the submenu does not open. */
  disabledReason?: string;
  /** The items, or a loader run when the submenu first opens (its items then come from the pool). */
  entries: MenuEntry[] | ((signal: AbortSignal) => Promise<MenuEntry[]>);
}

export type MenuEntry = MenuItem | MenuSeparator | MenuSubmenu;

/** Words shown while an item's check or a submenu's loader runs. */
export const CHECKING = 'Checking…';

/** Entries of groups in order, a separator between non-empty groups (never at an end, never doubled). */
export function joinGroups(groups: readonly (readonly MenuEntry[])[]): MenuEntry[] {
  const out: MenuEntry[] = [];
  for (const group of groups) {
    const entries = group.filter((e) => e.kind !== 'separator');
    if (entries.length === 0) continue;
    if (out.length) out.push({ kind: 'separator', id: `sep-${entries[0].id}` });
    out.push(...entries);
  }
  return out;
}

/** What an item's check said, remembered for one opening of the menu (reopening a submenu does not ask again). */
export class CheckCache {
  private readonly results = new Map<string, Promise<CheckVerdict>>();
  private readonly controller = new AbortController();

  /** The verdict of `item`'s check, started at the first ask; a check that throws gives its error's message as the reason. */
  verdict(item: MenuItem): Promise<CheckVerdict> | undefined {
    if (!item.check) return undefined;
    let result = this.results.get(item.id);
    if (!result) {
      result = item.check(this.controller.signal).catch((err: unknown) => `Could not check: ${describeFailure(err)}`);
      this.results.set(item.id, result);
    }
    return result;
  }

  /** The menu closed: checks still running are told to stop. */
  dispose(): void {
    this.controller.abort();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }
}

/** A thrown XAPI error ({code, message}) or any Error, in a few words. */
export function describeFailure(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { message?: unknown; code?: unknown };
    const message = typeof e.message === 'string' && e.message ? e.message : undefined;
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (message && code && !message.includes(code)) return `${message} (${code})`;
    if (message ?? code) return (message ?? code)!;
  }
  return String(err);
}
