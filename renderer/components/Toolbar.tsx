/** The toolbar: a labelled group of buttons, each with an icon and a visible text label (XenCenter style). */
import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon';
import './toolbar.css';

export function Toolbar({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="toolbar" aria-label={label} className="toolbar">
      {children}
    </div>
  );
}

export function ToolbarButton(props: { icon: IconName; label: string; onClick: () => void; disabled?: boolean; title?: string }) {
  return (
    <button type="button" className="toolbar-button" onClick={props.onClick} disabled={props.disabled} title={props.title ?? props.label}>
      <Icon name={props.icon} />
      <span>{props.label}</span>
    </button>
  );
}

export function ToolbarSeparator() {
  return <div role="separator" aria-orientation="vertical" className="toolbar-separator" />;
}

export function ToolbarSpacer() {
  return <div className="toolbar-spacer" />;
}
