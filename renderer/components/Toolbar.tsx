/**
 * The toolbar: a labelled group of buttons, each with an icon and a visible text label (XenCenter style;
 * in a narrow window the labels give way to the icons, the tooltips keep the names).
 */
import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon';
import { Tooltip } from './Tooltip';
import './toolbar.css';

export function Toolbar({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="toolbar" aria-label={label} className="toolbar">
      {children}
    </div>
  );
}

export function ToolbarButton(props: { icon: IconName; label: string; onClick: () => void }) {
  return (
    <Tooltip content={props.label}>
      <button type="button" className="toolbar-button" onClick={props.onClick} aria-label={props.label}>
        <Icon name={props.icon} />
        <span className="toolbar-button-label">{props.label}</span>
      </button>
    </Tooltip>
  );
}

/** An icon button that shows or hides something (a pane): aria-pressed says which. */
export function ToolbarToggle(props: { icon: IconName; label: string; pressed: boolean; onToggle: () => void }) {
  return (
    <Tooltip content={`${props.pressed ? 'Hide' : 'Show'} the ${props.label.toLowerCase()}`}>
      <button type="button" className="toolbar-button is-icon-only" aria-pressed={props.pressed} aria-label={props.label} onClick={props.onToggle}>
        <Icon name={props.icon} />
      </button>
    </Tooltip>
  );
}

export function ToolbarSeparator() {
  return <div role="separator" aria-orientation="vertical" className="toolbar-separator" />;
}

export function ToolbarSpacer() {
  return <div className="toolbar-spacer" />;
}
