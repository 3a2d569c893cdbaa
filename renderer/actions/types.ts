/**
 * One action registry for the toolbar, the tree's context menu, the command keys and the command
 * palette: an action says what it is (id, label, icon, key, words it is found by), whether it is offered
 * for a selection (`appliesTo`: the kind of objects fits; else `needs` says what to select), whether it
 * can run now (`disabledReason`: undefined when it can, else why not, from XAPI's allowed_operations,
 * the power state, what is missing) and how it runs. An action may offer choices (a submenu: "Start on
 * Server ▸", one item per host, each checked in the background). Actions get everything they touch
 * through their context, so the registry has no React state of its own.
 */
import type { ReactNode } from 'react';
import type { Bridge } from '../../shared/bridge';
import type { MirrorState, Target } from '../store';
import type { ActionIconName } from './ActionIcon';

export interface ConfirmOptions {
  title: string;
  message: ReactNode;
  confirmLabel: string;
  /** Red confirm button: the action loses data or interrupts a running guest. */
  danger?: boolean;
}

/** What an action may ask of the window while it runs. */
export interface ActionUi {
  confirm(options: ConfirmOptions): Promise<boolean>;
  /** Shows a dialog; `done(value)` closes it and resolves the promise (undefined when cancelled). */
  dialog<T>(render: (done: (value: T | undefined) => void) => ReactNode): Promise<T | undefined>;
  /** Selects objects in the tree (e.g. the VM a wizard created, the pool of a deleted VM). */
  select(targets: Target[]): void;
}

export interface ActionContext {
  bridge: Bridge;
  /** The mirror when the action was invoked; read `getState()` for later states (after a task). */
  state: MirrorState;
  getState: () => MirrorState;
  targets: Target[];
  ui: ActionUi;
  /** The choice picked in the action's submenu (a host ref for "Start on Server ▸"). */
  choice?: string;
}

export interface KeyBinding {
  key: string;
  ctrl?: boolean;
  shift?: boolean;
  alt?: boolean;
}

/** One item of an action's submenu. */
export interface ActionChoice {
  id: string;
  label: string;
  detail?: string;
  disabledReason?: string;
  /** Asked in the background when the submenu opens (read-only calls such as VM.assert_can_boot_here). */
  check?: (bridge: Bridge, signal: AbortSignal) => Promise<string | undefined>;
}

export interface Action {
  id: string;
  label: string;
  icon: ActionIconName;
  /** Menu and toolbar grouping; a separator is drawn between groups. */
  group: 'connection' | 'vm-power' | 'vm-force' | 'vm-manage' | 'container' | 'host' | 'pool' | 'create' | 'demo' | 'alerts';
  keys?: KeyBinding;
  /** More words the command palette finds the action by ("snapshot", "evacuate"). */
  keywords?: readonly string[];
  /** Shown in red in menus, asks for confirmation. */
  danger?: boolean;
  /** In the toolbar: with its label (default), as an icon with a tooltip, or menus only. */
  toolbar?: 'label' | 'icon' | 'none';
  /** Not about the selection (Add server…): always in the toolbar and the palette; `appliesTo` then only decides the context menus. */
  global?: boolean;
  /** The other half of a toggle pair (Resume for Suspend): the toolbar shows whichever of the two can run. */
  pairedWith?: string;
  /** What to select for the action to apply ("Select one or more VMs."): the palette's reason when it does not. */
  needs: string;
  /** Offered at all for this selection (the kinds of objects fit). */
  appliesTo(targets: Target[], state: MirrorState): boolean;
  /** Why it cannot run now on this selection (it applies); undefined when it can run. */
  disabledReason(targets: Target[], state: MirrorState): string | undefined;
  /** A submenu of choices instead of a command; `run` then gets the picked one as `context.choice`. */
  choices?: (targets: Target[], state: MirrorState) => ActionChoice[];
  run(context: ActionContext): Promise<void>;
}

export function describeKeys(keys: KeyBinding | undefined): string | undefined {
  if (!keys) return undefined;
  return [keys.ctrl && 'Ctrl', keys.alt && 'Alt', keys.shift && 'Shift', keys.key.length === 1 ? keys.key.toUpperCase() : keys.key].filter(Boolean).join('+');
}

/** Whether the action can run on the selection now, and if not, why: the one verdict menus, toolbar and palette share. */
export function actionVerdict(action: Action, targets: Target[], state: MirrorState): { applies: boolean; reason?: string } {
  if (!action.appliesTo(targets, state) && !action.global) return { applies: false, reason: action.needs };
  return { applies: true, reason: action.disabledReason(targets, state) };
}
