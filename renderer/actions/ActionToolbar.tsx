/**
 * The toolbar's action buttons for the current selection: the actions that apply to it, enabled by
 * XAPI's allowed operations, re-rendered when the selected objects change (not on unrelated batches).
 */
import { Fragment } from 'react';
import { ToolbarSeparator } from '../components/Toolbar';
import { useMirror, type MirrorState, type Target } from '../store';
import { ActionIcon } from './ActionIcon';
import { useActionRunner } from './ActionHost';
import { ACTIONS } from './registry';
import { describeKeys } from './types';
import { useSelectionTargets } from './use-selection-targets';

/** A string that changes exactly when an action's offer or enabled state may have changed for these targets. */
function actionStateKey(targets: Target[], state: MirrorState): string {
  return ACTIONS.map((a) => (a.appliesTo(targets, state) ? (a.enabled(targets, state) ? '2' : '1') : '0')).join('');
}

export function ActionToolbar() {
  const targets = useSelectionTargets();
  const runner = useActionRunner();
  // Compute the per-action state inside the selector: a string, so zustand re-renders only when it changes.
  const key = useMirror((s) => actionStateKey(targets, s));
  const shown = ACTIONS.map((a, i) => ({ action: a, state: key[i] })).filter((x) => x.state !== '0');
  return (
    <>
      {shown.map(({ action, state }, i) => (
        <Fragment key={action.id}>
          {i > 0 && shown[i - 1].action.group !== action.group && <ToolbarSeparator />}
          <button
            type="button"
            className="toolbar-button"
            disabled={state !== '2'}
            title={[action.label.replace('…', ''), describeKeys(action.keys)].filter(Boolean).join(' — ')}
            onClick={() => runner.invoke(action, targets)}
          >
            <ActionIcon name={action.icon} />
            <span>{action.label.replace('…', '')}</span>
          </button>
        </Fragment>
      ))}
    </>
  );
}
