/**
 * Pieces the object tabs' tables and inline forms share: the records behind an index's refs, the
 * submit and Cancel buttons that end an inline form, and a row's failure shown across the table.
 */
import type { ReactNode } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';

/** [ref, record] of the refs whose record is in the mirror (an index can name one a batch has just removed). */
export function presentPairs<R>(refs: readonly string[], records: ReadonlyMap<string, R>): [string, R][] {
  return refs.flatMap((ref) => {
    const record = records.get(ref);
    return record ? [[ref, record] as [string, R]] : [];
  });
}

/** Submit and Cancel of an inline form; both are disabled while its call runs. */
export function FormButtons({ submit, submitDisabled, busy, onCancel }: { submit: ReactNode; submitDisabled: boolean; busy: boolean; onCancel: () => void }) {
  return (
    <div className="form-buttons">
      <button type="submit" className="button button-primary" disabled={submitDisabled}>
        {submit}
      </button>
      <button type="button" className="button" onClick={onCancel} disabled={busy}>
        Cancel
      </button>
    </div>
  );
}

/** A row action's failure, on its own row under it (nothing while there is none). */
export function ErrorRow({ error, colSpan }: { error: unknown; colSpan: number }) {
  if (error === undefined) return null;
  return (
    <tr>
      <td colSpan={colSpan}>
        <ErrorMessage error={error} />
      </td>
    </tr>
  );
}
