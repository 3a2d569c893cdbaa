/**
 * Runs actions for the window: gives them a context (bridge, mirror, dialogs, selection), draws the
 * dialogs they open, the command palette and the certificate trust prompt, and lists a failure that
 * escapes an action in the task panel. Wrap the window in <ActionHost>; components call
 * `useActionRunner()` to invoke an action, to get the menu entries of a selection (the tree's context
 * menu), or to ask the drop policies what a drop on a tree row would do.
 */
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Bridge } from '../../shared/bridge';
import { useBridge } from '../bridge-context';
import { evaluateDrop, type DropVerdict } from '../components/drop-policy';
import { joinGroups, type MenuEntry } from '../components/menu-model';
import { parseObjectId, targetId, useMirrorStoreApi, type MirrorState, type Target } from '../store';
import { containerTargetName } from '../views/containers/vm-containers';
import { CertificatePrompt } from '../views/connections/CertificatePrompt';
import { appTaskLog, recordLaunchFailure } from '../views/tasks/task-log';
import type { TreeNodeModel } from '../views/tree/tree-model';
import { ActionIcon } from './ActionIcon';
import { CommandPalette } from './CommandPalette';
import { ConfirmDialog } from './dialogs/ConfirmDialog';
import { TREE_DROP_POLICIES } from './drop-policies';
import { actionById, actionsFor } from './registry';
import { actionVerdict, describeKeys, type Action, type ActionUi } from './types';

export interface ActionRunner {
  /** Runs the action on the targets if it applies and can run (with the submenu's choice, if any). */
  invoke(action: Action | string, targets: Target[], choice?: string): void;
  /** The context menu of a selection: its actions, disabled ones with their reason, submenus for choices. */
  menuEntries(targets: Target[]): MenuEntry[];
  /** The command palette (Ctrl+K, Ctrl+Shift+P, F1) for the current selection. */
  openPalette(): void;
  /** True while a dialog of an action is open (keyboard shortcuts stand down). */
  dialogOpen(): boolean;
  /** What dropping `dragged` on a tree row would do (TREE_DROP_POLICIES), bound to run here. */
  dropVerdict(dragged: Target[], over: TreeNodeModel): DropVerdict<void> | undefined;
}

const RunnerContext = createContext<ActionRunner | undefined>(undefined);

export function useActionRunner(): ActionRunner {
  const runner = useContext(RunnerContext);
  if (!runner) throw new Error('useActionRunner() outside <ActionHost>');
  return runner;
}

function targetName(t: Target, state: MirrorState): string {
  const c = state.connections.find((x) => x.id === t.connectionId);
  if (t.kind === 'connection') return c?.label || c?.address || t.connectionId;
  if (t.kind === 'container') return containerTargetName(state, t);
  const record = state.mirrors[t.connectionId]?.objects[t.cls]?.get(t.ref) as { name_label?: string } | undefined;
  return record?.name_label ?? t.ref;
}

/** Menu entries for a selection: the offered actions in groups, disabled ones with their reason, choices as submenus. */
export function menuEntries(actions: Action[], targets: Target[], state: MirrorState, invoke: ActionRunner['invoke'], bridge: Bridge): MenuEntry[] {
  const groups: MenuEntry[][] = [];
  let group: string | undefined;
  for (const a of actions) {
    if (a.group !== group) groups.push([]);
    group = a.group;
    const reason = actionVerdict(a, targets, state).reason;
    const label = a.label;
    if (a.choices) {
      groups[groups.length - 1].push({
        kind: 'submenu',
        id: a.id,
        label,
        icon: <ActionIcon name={a.icon} />,
        disabledReason: reason,
        entries: reason ? [] : a.choices(targets, state).map((c) => ({
          kind: 'item' as const,
          id: `${a.id}:${c.id}`,
          label: c.label,
          detail: c.detail,
          disabledReason: c.disabledReason,
          check: c.check ? (signal: AbortSignal) => c.check!(bridge, signal) : undefined,
          onSelect: () => invoke(a, targets, c.id),
        })),
      });
      continue;
    }
    groups[groups.length - 1].push({ kind: 'item', id: a.id, label, icon: <ActionIcon name={a.icon} />, disabledReason: reason, shortcut: describeKeys(a.keys), danger: a.danger, onSelect: () => invoke(a, targets) });
  }
  return joinGroups(groups);
}

export function ActionHost({ children }: { children: ReactNode }) {
  const bridge = useBridge();
  const store = useMirrorStoreApi();
  const [dialogs, setDialogs] = useState<{ id: number; node: ReactNode }[]>([]);
  const [palette, setPalette] = useState<{ targets: Target[] }>();
  const nextId = useRef(0);
  const openCount = useRef(0);

  const ui = useMemo<ActionUi>(() => {
    const dialog = <T,>(render: (done: (value: T | undefined) => void) => ReactNode) =>
      new Promise<T | undefined>((resolve) => {
        const id = ++nextId.current;
        openCount.current++;
        let settled = false;
        const done = (value: T | undefined) => {
          if (settled) return;
          settled = true;
          openCount.current--;
          setDialogs((ds) => ds.filter((d) => d.id !== id));
          resolve(value);
        };
        setDialogs((ds) => [...ds, { id, node: render(done) }]);
      });
    return {
      dialog,
      confirm: (o) => dialog<boolean>((done) => <ConfirmDialog {...o} onAnswer={(ok) => done(ok)} />).then(Boolean),
      select: (targets) => store.getState().select(targets.map(targetId)),
    };
  }, [store]);

  const invoke = useCallback(
    (actionOrId: Action | string, targets: Target[], choice?: string) => {
      const action = typeof actionOrId === 'string' ? actionById(actionOrId) : actionOrId;
      const state = store.getState();
      if (!action) return;
      const verdict = actionVerdict(action, targets, state);
      if (!verdict.applies || verdict.reason !== undefined) return;
      action.run({ bridge, state, getState: store.getState, targets, ui, choice }).catch((err: unknown) => {
        // A failure no task recorded (connections.connect refused, a dialog's call…): list it in the task panel.
        const first = targets[0];
        recordLaunchFailure(appTaskLog, { connectionId: first?.connectionId ?? '', title: action.label.replace('…', ''), targetName: targets.map((t) => targetName(t, state)).join(', ') || 'XenDeck' }, err);
      });
    },
    [bridge, store, ui],
  );

  const runner = useMemo<ActionRunner>(
    () => ({
      invoke,
      menuEntries: (targets) => {
        const state = store.getState();
        return menuEntries(actionsFor(targets, state), targets, state, invoke, bridge);
      },
      openPalette: () => setPalette({ targets: store.getState().selection.ids.map(parseObjectId).filter((t): t is Target => Boolean(t)) }),
      dialogOpen: () => openCount.current > 0 || Boolean(palette),
      dropVerdict: (dragged, over) => {
        const verdict = evaluateDrop(TREE_DROP_POLICIES, dragged, { node: over, state: store.getState(), bridge });
        if (verdict?.kind !== 'accept') return verdict;
        return {
          ...verdict,
          drop: () =>
            Promise.resolve(verdict.drop({ bridge, getState: store.getState, ui })).catch((err: unknown) =>
              recordLaunchFailure(appTaskLog, { connectionId: dragged[0]?.connectionId ?? '', title: verdict.label, targetName: dragged.map((t) => targetName(t, store.getState())).join(', ') }, err),
            ),
        };
      },
    }),
    [invoke, store, palette, bridge, ui],
  );

  return (
    <RunnerContext.Provider value={runner}>
      {children}
      {dialogs.map((d) => (
        <div key={d.id}>{d.node}</div>
      ))}
      {palette && (
        <CommandPalette
          state={store.getState()}
          targets={palette.targets}
          onClose={() => setPalette(undefined)}
          onRun={(action, choice) => invoke(action, palette.targets, choice)}
          onGo={(target) => ui.select([target])}
        />
      )}
      {/* Trust-on-first-use questions come from the main process at any time (connect at start, Add server…). */}
      <CertificatePrompt />
    </RunnerContext.Provider>
  );
}
