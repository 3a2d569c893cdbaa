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
import './actions.css';

/** A string that changes exactly when an action's offer or enabled state may have changed for these targets. */
function actionStateKey(targets: Target[], state: MirrorState): string {
  return ACTIONS.map((a) => (a.appliesTo(targets, state) ? (a.enabled(targets, state) ? '2' : '1') : '0')).join('');
}

export function ActionToolbar() {
  const targets = useSelectionTargets();
  const runner = useActionRunner();
  // Compute the per-action state inside the selector: a string, so zustand re-renders only when it changes.
  const key = useMirror((s) => actionStateKey(targets, s));
  const states = new Map(ACTIONS.map((a, i) => [a.id, key[i]]));
  const shown = ACTIONS.map((a, i) => ({ action: a, state: key[i] })).filter(({ action, state }) => {
    if (state === '0' || action.toolbar === 'none') return false;
    // Toggle pairs (Suspend/Resume, Pause/Unpause) take one place: the half that can run, else the first.
    if (action.pairedWith) return state === '2' && states.get(action.pairedWith) !== '2';
    const partner = ACTIONS.find((p) => p.pairedWith === action.id);
    return !(partner && states.get(partner.id) === '2' && state !== '2');
  });
  return (
    <>
      {shown.map(({ action, state }, i) => (
        <Fragment key={action.id}>
          {i > 0 && shown[i - 1].action.group !== action.group && <ToolbarSeparator />}
          <button
            type="button"
            className={`toolbar-button${action.toolbar === 'icon' ? ' is-icon-only' : ''}`}
            disabled={state !== '2'}
            aria-label={action.label.replace('…', '')}
            aria-keyshortcuts={describeKeys(action.keys)?.replace(/\bCtrl\b/g, 'Control')}
            title={[action.label.replace('…', ''), describeKeys(action.keys)].filter(Boolean).join(' — ')}
            onClick={() => runner.invoke(action, targets)}
          >
            <ActionIcon name={action.icon} />
            {action.toolbar !== 'icon' && <span>{action.label.replace('…', '')}</span>}
          </button>
        </Fragment>
      ))}
    </>
  );
}
