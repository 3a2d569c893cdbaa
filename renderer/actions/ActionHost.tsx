/**
 * Runs actions for the window: gives them a context (bridge, mirror, dialogs, selection), draws the
 * dialogs they open, the context menu and the certificate trust prompt, and lists a failure that escapes an action in the task panel.
 * Wrap the window in <ActionHost>; components call `useActionRunner()` to invoke an action or open the
 * context menu for some targets (the tree does so on right-click and the context-menu key).
 */
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { useBridge } from '../bridge-context';
import { ContextMenu, type ContextMenuEntry } from '../components/ContextMenu';
import { connectionNodeId, objectId, parseObjectId, useMirrorStoreApi, type MirrorState, type Target } from '../store';
import { CertificatePrompt } from '../views/connections/CertificatePrompt';
import { appTaskLog, recordLaunchFailure } from '../views/tasks/task-log';
import { ActionIcon } from './ActionIcon';
import { CommandPalette } from './CommandPalette';
import { ConfirmDialog } from './dialogs/ConfirmDialog';
import { actionById, actionsFor } from './registry';
import { describeKeys, type Action, type ActionUi } from './types';

export interface ActionRunner {
  invoke(action: Action | string, targets: Target[]): void;
  openContextMenu(targets: Target[], at: { x: number; y: number }): void;
  /** The command palette (Ctrl/Cmd+K) for the current selection. */
  openPalette(): void;
  /** True while a dialog of an action is open (keyboard shortcuts stand down). */
  dialogOpen(): boolean;
}

const RunnerContext = createContext<ActionRunner | undefined>(undefined);

export function useActionRunner(): ActionRunner {
  const runner = useContext(RunnerContext);
  if (!runner) throw new Error('useActionRunner() outside <ActionHost>');
  return runner;
}

export const targetId = (t: Target) => (t.kind === 'connection' ? connectionNodeId(t.connectionId) : objectId(t.connectionId, t.cls, t.ref));

function targetName(t: Target, state: MirrorState): string {
  const c = state.connections.find((x) => x.id === t.connectionId);
  if (t.kind === 'connection') return c?.label || c?.address || t.connectionId;
  const record = state.mirrors[t.connectionId]?.objects[t.cls]?.get(t.ref) as { name_label?: string } | undefined;
  return record?.name_label ?? t.ref;
}

/** Menu entries for a selection: the offered actions, a separator between groups. */
export function menuEntries(actions: Action[], targets: Target[], state: MirrorState): ContextMenuEntry[] {
  const out: ContextMenuEntry[] = [];
  let group: string | undefined;
  for (const a of actions) {
    if (group && a.group !== group) out.push({ kind: 'separator', id: `sep-${a.id}` });
    group = a.group;
    out.push({ kind: 'item', id: a.id, label: a.label, icon: <ActionIcon name={a.icon} />, disabled: !a.enabled(targets, state), shortcut: describeKeys(a.keys), danger: a.danger });
  }
  return out;
}

export function ActionHost({ children }: { children: ReactNode }) {
  const bridge = useBridge();
  const store = useMirrorStoreApi();
  const [dialogs, setDialogs] = useState<{ id: number; node: ReactNode }[]>([]);
  const [menu, setMenu] = useState<{ targets: Target[]; at: { x: number; y: number } }>();
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
    (actionOrId: Action | string, targets: Target[]) => {
      const action = typeof actionOrId === 'string' ? actionById(actionOrId) : actionOrId;
      const state = store.getState();
      if (!action || !action.appliesTo(targets, state) || !action.enabled(targets, state)) return;
      action.run({ bridge, state, getState: store.getState, targets, ui }).catch((err: unknown) => {
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
      openContextMenu: (targets, at) => setMenu({ targets, at }),
      openPalette: () => setPalette({ targets: store.getState().selection.ids.map(parseObjectId).filter((t): t is Target => Boolean(t)) }),
      dialogOpen: () => openCount.current > 0 || Boolean(palette),
    }),
    [invoke, store, palette],
  );

  const menuState = menu ? store.getState() : undefined;
  return (
    <RunnerContext.Provider value={runner}>
      {children}
      {menu && menuState && (
        <ContextMenu
          label="Actions"
          entries={menuEntries(actionsFor(menu.targets, menuState), menu.targets, menuState)}
          at={menu.at}
          onClose={() => setMenu(undefined)}
          onSelect={(id) => invoke(id, menu.targets)}
        />
      )}
      {dialogs.map((d) => (
        <div key={d.id}>{d.node}</div>
      ))}
      {palette && (
        <CommandPalette
          state={store.getState()}
          targets={palette.targets}
          onClose={() => setPalette(undefined)}
          onRun={(action) => invoke(action, palette.targets)}
          onGo={(target) => ui.select([target])}
        />
      )}
      {/* Trust-on-first-use questions come from the main process at any time (connect at start, Add server…). */}
      <CertificatePrompt />
    </RunnerContext.Provider>
  );
}
