/** A failed call in words, with XAPI's code and parameters kept (renderer/errors.ts does the wording). */
import { describeError } from '../errors';

export function ErrorMessage({ error, onDismiss }: { error: unknown; onDismiss?: () => void }) {
  const d = describeError(error);
  return (
    <div role="alert" className="error-message">
      <p className="error-title">{d.title}</p>
      {d.advice && <p className="error-advice">{d.advice}</p>}
      <p className="error-code">
        {d.code}
        {d.params.length ? ` (${d.params.join(', ')})` : ''}
        {d.method ? ` · ${d.method}` : ''}
      </p>
      {onDismiss && (
        <button type="button" className="button button-small" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}
