/**
 * The toolbar's action buttons for the current selection: the actions that apply to it (and the global
 * ones, such as Add server), re-rendered when an action's verdict changes (not on unrelated batches). A
 * button that cannot run stays, aria-disabled, and says why in its tooltip and its accessible
 * description; an action with choices opens its submenu ("Start on Server ▸").
 */
import { Fragment, memo, useDeferredValue, useId, useMemo, useRef } from 'react';
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

/** Each action's verdict as one string, so the buttons re-render only when one changes: ["0"] not offered, ["1", reason], ["2"] can run. */
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
  // A menu that closes gives focus back to its button, and focus shows the tooltip: not then (the user just
  // picked an item), only once the pointer comes onto the button or focus leaves it and comes back.
  const quiet = useRef(false);
  const onTooltipOpenChange = (open: boolean) => {
    if (!open || !quiet.current) tooltip.onOpenChange(open);
  };
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
  const withTooltip = (
    <Tooltip content={tip} open={tooltip.open} onOpenChange={onTooltipOpenChange} onPointerEnter={() => (quiet.current = false)} onBlur={() => (quiet.current = false)}>
      {button}
    </Tooltip>
  );
  if (!action.choices) return withTooltip;
  // The same elements whether the menu can open or not: a verdict that changes while VMs move (every batch,
  // in a bulk migration) neither remounts the button (taking its focus) nor its tooltip.
  return (
    <DropdownMenu
      label={name}
      disabled={disabled}
      onClose={() => (quiet.current = true)}
      entries={() => runner.menuEntries(targets).flatMap((e) => (e.kind === 'submenu' && e.id === action.id && Array.isArray(e.entries) ? e.entries : []))}
      trigger={withTooltip}
    />
  );
}

export function ActionToolbar() {
  const targets = useSelectionTargets();
  // Every action's verdict on a selection of hundreds of VMs takes milliseconds, and a bulk migration changes
  // those VMs on every batch: the verdicts are worked out in a render React may defer and interrupt
  // (useDeferredValue), not while the batch is applied. Running an action checks it again against the
  // pool as it is (ActionHost's invoke).
  const state = useDeferredValue(useMirror((s) => s));
  const key = useMemo(() => verdictsKey(targets, state), [targets, state]);
  return <ActionButtons verdictsKey={key} targets={targets} />;
}

/** The buttons for one set of verdicts: re-rendered only when a verdict (or the selection) changes. */
const ActionButtons = memo(function ActionButtons({ verdictsKey: key, targets }: { verdictsKey: string; targets: Target[] }) {
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
});
