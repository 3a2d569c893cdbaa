/**
 * A modal dialog on Radix Dialog (WAI-ARIA dialog pattern): role=dialog (alertdialog for `tone="alert"`),
 * aria-modal, labelled by its title, the rest of the window hidden from assistive technology while it is
 * open; focus moves inside on open (the element marked `data-autofocus`, else the first field or button),
 * Tab and Shift+Tab stay inside, Esc closes, and focus goes back where it was when the dialog closes.
 *
 * The backdrop is our own element rather than Radix's Overlay: the Overlay locks page scroll with an
 * injected <style> element, which the window's CSP (style-src 'self') refuses.
 */
import * as RadixDialog from '@radix-ui/react-dialog';
import { useEffect, useRef, type ReactNode } from 'react';
import './dialog.css';

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
  width?: 'narrow' | 'normal' | 'wide' | 'wizard';
}

const FIRST_FIELD = 'input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]):not(.dialog-close)';

export function Dialog({ title, onClose, children, footer, tone = 'normal', describedBy, width = 'normal' }: DialogProps) {
  const contentRef = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });
  const stay = (event: Event) => {
    if (!onCloseRef.current) event.preventDefault();
  };

  return (
    <RadixDialog.Root open onOpenChange={(open) => !open && onCloseRef.current?.()}>
      <RadixDialog.Portal>
        <div className="dialog-backdrop">
          <RadixDialog.Content
            ref={contentRef}
            role={tone === 'alert' ? 'alertdialog' : 'dialog'}
            aria-describedby={describedBy}
            className={`dialog dialog-${width}${tone === 'alert' ? ' dialog-alert' : ''}`}
            onOpenAutoFocus={(event) => {
              const root = contentRef.current;
              const target = root?.querySelector<HTMLElement>('[data-autofocus]') ?? root?.querySelector<HTMLElement>(FIRST_FIELD);
              if (target) {
                event.preventDefault();
                target.focus();
              }
            }}
            onEscapeKeyDown={stay}
            onPointerDownOutside={stay}
            onInteractOutside={stay}
          >
            <header className="dialog-header">
              <RadixDialog.Title className="dialog-title">{title}</RadixDialog.Title>
              {onClose && (
                <RadixDialog.Close className="dialog-close" aria-label="Close">
                  <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
                    <path d="M2 2l8 8M10 2l-8 8" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
                  </svg>
                </RadixDialog.Close>
              )}
            </header>
            <div className="dialog-body">{children}</div>
            {footer && <footer className="dialog-footer">{footer}</footer>}
          </RadixDialog.Content>
        </div>
      </RadixDialog.Portal>
    </RadixDialog.Root>
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
