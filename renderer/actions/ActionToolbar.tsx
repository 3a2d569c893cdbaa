/**
 * The toolbar's action buttons for the current selection: the actions that apply to it (and the global
 * ones, such as Add server), re-rendered when an action's verdict changes (not on unrelated batches). A
 * button that cannot run stays, aria-disabled, and says why in its tooltip and its accessible
 * description; an action with choices opens its submenu ("Start on Server ▸").
 */
import { Fragment, useId } from 'react';
import { DropdownMenu } from '../components/Menu';
import { ToolbarSeparator } from '../components/Toolbar';
import { Tooltip, useDescribingTooltip } from '../components/Tooltip';
import { useMirror, type MirrorState, type Target } from '../store';
import { ActionIcon } from './ActionIcon';
import { useActionRunner } from './ActionHost';
import { ACTIONS } from './registry';
import { actionVerdict, describeKeys, type Action } from './types';
import { useSelectionTargets } from './use-selection-targets';
import './actions.css';

/** Each action's verdict as one string, so zustand re-renders only when one changes: ["0"] not offered, ["1", reason], ["2"] can run. */
function verdictsKey(targets: Target[], state: MirrorState): string {
  return JSON.stringify(
    ACTIONS.map((a) => {
      const v = actionVerdict(a, targets, state);
      return !v.applies ? ['0'] : v.reason !== undefined ? ['1', v.reason] : ['2'];
    }),
  );
}

function ActionButton({ action, reason, targets }: { action: Action; reason: string | undefined; targets: Target[] }) {
  const runner = useActionRunner();
  const descriptionId = useId();
  const name = action.label.replace('…', '');
  const keys = describeKeys(action.keys);
  const disabled = reason !== undefined;
  const tooltip = useDescribingTooltip(descriptionId);
  const button = (
    <button
      type="button"
      className={`toolbar-button${action.toolbar === 'icon' ? ' is-icon-only' : ''}`}
      aria-disabled={disabled || undefined}
      aria-label={name}
      aria-describedby={disabled ? tooltip.describedBy : undefined}
      aria-keyshortcuts={keys?.replace(/\bCtrl\b/g, 'Control')}
      aria-haspopup={action.choices ? 'menu' : undefined}
      onClick={disabled || action.choices ? undefined : () => runner.invoke(action, targets)}
    >
      <ActionIcon name={action.icon} />
      {action.toolbar !== 'icon' && <span className="toolbar-button-label">{name}</span>}
      {action.choices && <span aria-hidden="true">▾</span>}
      {disabled && (
        <span id={descriptionId} className="visually-hidden">
          {reason}
        </span>
      )}
    </button>
  );
  const tip = (
    <>
      {[name, keys].filter(Boolean).join(' — ')}
      {reason && <span className="tooltip-reason">{reason}</span>}
    </>
  );
  if (action.choices && !disabled) {
    return (
      <Tooltip content={tip} open={tooltip.open} onOpenChange={tooltip.onOpenChange}>
        <span className="toolbar-menu-anchor">
          <DropdownMenu label={name} entries={() => runner.menuEntries(targets).flatMap((e) => (e.kind === 'submenu' && e.id === action.id && Array.isArray(e.entries) ? e.entries : []))} trigger={button} />
        </span>
      </Tooltip>
    );
  }
  return (
    <Tooltip content={tip} open={tooltip.open} onOpenChange={tooltip.onOpenChange}>
      {button}
    </Tooltip>
  );
}

export function ActionToolbar() {
  const targets = useSelectionTargets();
  // Compute the verdicts inside the selector: a string, so zustand re-renders only when it changes.
  const key = useMirror((s) => verdictsKey(targets, s));
  const verdicts = JSON.parse(key) as [string, string?][];
  const codes = new Map(ACTIONS.map((a, i) => [a.id, verdicts[i][0]]));
  const shown = ACTIONS.map((a, i) => ({ action: a, code: verdicts[i][0], reason: verdicts[i][1] })).filter(({ action, code }) => {
    if (code === '0' || action.toolbar === 'none') return false;
    // Toggle pairs (Suspend/Resume, Pause/Unpause) take one place: the half that can run, else the first.
    if (action.pairedWith) return code === '2' && codes.get(action.pairedWith) !== '2';
    const partner = ACTIONS.find((p) => p.pairedWith === action.id);
    return !(partner && codes.get(partner.id) === '2' && code !== '2');
  });
  return (
    <>
      {shown.map(({ action, reason }, i) => (
        <Fragment key={action.id}>
          {i > 0 && shown[i - 1].action.group !== action.group && <ToolbarSeparator />}
          <ActionButton action={action} reason={reason} targets={targets} />
        </Fragment>
      ))}
    </>
  );
}
