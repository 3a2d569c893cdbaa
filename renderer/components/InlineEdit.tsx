/**
 * A value edited in place, XenCenter-style: the value with an Edit button; editing shows a field with
 * Save and Cancel (Enter saves a one-line value, Ctrl+Enter a multi-line one, Escape cancels). The
 * save is the caller's real call; while it runs the field is locked, and a failure keeps the typed text
 * and shows the error in words with its code.
 */
import { useId, useState, type KeyboardEvent } from 'react';
import { ErrorMessage } from './ErrorMessage';
import { Icon } from './Icon';
import { useAction } from './use-action';

export interface InlineEditProps {
  /** Names the field for screen readers and buttons ("Name", "Description"). */
  label: string;
  value: string;
  multiline?: boolean;
  /** Returns a message when the text is not acceptable (checked before saving). */
  validate?: (text: string) => string | undefined;
  onSave: (text: string) => Promise<unknown>;
  placeholder?: string;
}

export function InlineEdit({ label, value, multiline, validate, onSave, placeholder }: InlineEditProps) {
  const [draft, setDraft] = useState<string | undefined>();
  const { busy: saving, error, run, clearError } = useAction();
  const hintId = useId();
  const invalid = draft !== undefined ? validate?.(draft) : undefined;

  const save = () => {
    if (draft === undefined || invalid) return;
    if (draft === value) {
      setDraft(undefined);
      return;
    }
    run(() => onSave(draft), () => setDraft(undefined));
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      setDraft(undefined);
      clearError();
    } else if (e.key === 'Enter' && (!multiline || e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      save();
    }
  };

  if (draft === undefined) {
    return (
      <span className="inline-edit">
        <span className={`inline-edit-value${value ? '' : ' muted'}`}>{value || placeholder || '—'}</span>
        <button type="button" className="icon-button" aria-label={`Edit ${label}`} title={`Edit ${label}`} onClick={() => setDraft(value)}>
          <Icon name="edit" size={14} />
        </button>
      </span>
    );
  }
  const common = {
    'aria-label': label,
    'aria-invalid': Boolean(invalid),
    'aria-describedby': invalid ? hintId : undefined,
    value: draft,
    disabled: saving,
    autoFocus: true,
    onKeyDown,
    className: 'text-input',
  };
  return (
    <span className="inline-edit is-editing">
      {multiline ? <textarea {...common} rows={3} onChange={(e) => setDraft(e.target.value)} /> : <input {...common} onChange={(e) => setDraft(e.target.value)} />}
      <span className="inline-edit-buttons">
        <button type="button" className="button button-primary button-small" onClick={save} disabled={saving || Boolean(invalid)}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="button button-small" onClick={() => (setDraft(undefined), clearError())} disabled={saving}>
          Cancel
        </button>
      </span>
      {invalid && (
        <span id={hintId} className="field-error">
          {invalid}
        </span>
      )}
      {error !== undefined && <ErrorMessage error={error} />}
    </span>
  );
}
