/**
 * One action registry for the toolbar, the tree's context menu, the command keys and (later) the
 * command palette: an action says what it is (id, label, icon, key), whether it is offered for a
 * selection (`appliesTo`: the kind of objects fits), whether it can run now (`enabled`: XAPI's
 * allowed_operations and power_state) and how it runs. Actions get everything they touch through
 * their context, so the registry has no React state of its own.
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
  /** Selects an object in the tree (e.g. the VM a wizard created). */
  select(targets: Target[]): void;
}

export interface ActionContext {
  bridge: Bridge;
  /** The mirror when the action was invoked; read `getState()` for later states (after a task). */
  state: MirrorState;
  getState: () => MirrorState;
  targets: Target[];
  ui: ActionUi;
}

export interface KeyBinding {
  key: string;
  ctrl?: boolean;
  shift?: boolean;
  alt?: boolean;
}

export interface Action {
  id: string;
  label: string;
  icon: ActionIconName;
  /** Menu and toolbar grouping; a separator is drawn between groups. */
  group: 'connection' | 'vm-power' | 'vm-force' | 'vm-manage' | 'host' | 'create';
  keys?: KeyBinding;
  /** Shown in red in menus, asks for confirmation. */
  danger?: boolean;
  /** In the toolbar: with its label (default), as an icon with a tooltip, or menus only. */
  toolbar?: 'label' | 'icon' | 'none';
  /** The other half of a toggle pair (Resume for Suspend): the toolbar shows whichever of the two can run. */
  pairedWith?: string;
  /** Offered at all for this selection (the kinds of objects fit). */
  appliesTo(targets: Target[], state: MirrorState): boolean;
  /** Can run now: XAPI allows it on at least one selected object. */
  enabled(targets: Target[], state: MirrorState): boolean;
  run(context: ActionContext): Promise<void>;
}

export function describeKeys(keys: KeyBinding | undefined): string | undefined {
  if (!keys) return undefined;
  return [keys.ctrl && 'Ctrl', keys.alt && 'Alt', keys.shift && 'Shift', keys.key.length === 1 ? keys.key.toUpperCase() : keys.key].filter(Boolean).join('+');
}
