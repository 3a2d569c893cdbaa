/**
 * A modal dialog (WAI-ARIA dialog pattern): role=dialog, aria-modal, labelled by its title and
 * described by its first paragraph if asked; focus moves inside on open (the element marked
 * `data-autofocus`, else the first field or button), Tab and Shift+Tab stay inside, Esc closes, and
 * focus goes back where it was when the dialog closes. Rendered in a portal above everything.
 */
import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import './dialog.css';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function focusableIn(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.closest('[hidden]') && el.getAttribute('aria-hidden') !== 'true');
}

export interface DialogProps {
  title: string;
  /** Esc, the close button and a click on the backdrop call this; omit `onClose` for a dialog that must be answered. */
  onClose?: () => void;
  children: ReactNode;
  /** Buttons, right-aligned under the body. */
  footer?: ReactNode;
  /** `alert` for a dialog that interrupts (a changed certificate): role=alertdialog. */
  tone?: 'normal' | 'alert';
  /** id of the element describing the dialog (read by screen readers after the title). */
  describedBy?: string;
  width?: 'narrow' | 'normal' | 'wide';
}

export function Dialog({ title, onClose, children, footer, tone = 'normal', describedBy, width = 'normal' }: DialogProps) {
  const titleId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    const root = ref.current;
    if (root) {
      const target = root.querySelector<HTMLElement>('[data-autofocus]') ?? focusableIn(root).find((el) => !el.classList.contains('dialog-close')) ?? root;
      target.focus();
    }
    // Give focus back to what opened the dialog (a menu item's row, a toolbar button), if it still exists.
    return () => {
      if (previous?.isConnected) previous.focus();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      if (onCloseRef.current) {
        event.preventDefault();
        event.stopPropagation();
        onCloseRef.current();
      }
      return;
    }
    if (event.key !== 'Tab' || !ref.current) return;
    const items = focusableIn(ref.current);
    if (items.length === 0) {
      event.preventDefault();
      return;
    }
    const first = items[0];
    const last = items[items.length - 1];
    const active = document.activeElement;
    if (event.shiftKey && (active === first || !ref.current.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !ref.current.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  };

  return createPortal(
    <div
      className="dialog-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onCloseRef.current?.();
      }}
    >
      <div
        ref={ref}
        role={tone === 'alert' ? 'alertdialog' : 'dialog'}
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={describedBy}
        className={`dialog dialog-${width}${tone === 'alert' ? ' dialog-alert' : ''}`}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <header className="dialog-header">
          <h2 id={titleId} className="dialog-title">
            {title}
          </h2>
          {onClose && (
            <button type="button" className="dialog-close" aria-label="Close" onClick={onClose}>
              <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
                <path d="M2 2l8 8M10 2l-8 8" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
              </svg>
            </button>
          )}
        </header>
        <div className="dialog-body">{children}</div>
        {footer && <footer className="dialog-footer">{footer}</footer>}
      </div>
    </div>,
    document.body,
  );
}

/** A label above its field, with an optional hint and a validation message tied to the field by id. */
export function Field(props: { label: string; htmlFor: string; hint?: ReactNode; error?: string; children: ReactNode }) {
  return (
    <div className={`field${props.error ? ' has-error' : ''}`}>
      <label htmlFor={props.htmlFor} className="field-label">
        {props.label}
      </label>
      {props.children}
      {props.hint && !props.error && (
        <p className="field-hint muted" id={`${props.htmlFor}-hint`}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p className="field-error" id={`${props.htmlFor}-error`} role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}

/** aria-describedby / aria-invalid for a field drawn inside <Field>. */
export function fieldAria(id: string, error: string | undefined, hasHint = false) {
  return {
    id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? `${id}-error` : hasHint ? `${id}-hint` : undefined,
  } as const;
}
