/**
 * An object's tags as chips, each with a remove button, and a field to add one (Enter adds). Each change
 * is its own real call (add_tags / remove_tags); the chips follow the record, so they show what the
 * server has, not what was typed.
 */
import { useState } from 'react';
import { ErrorMessage } from './ErrorMessage';
import { useAction } from './use-action';

export function TagEditor({ tags, onAdd, onRemove }: { tags: readonly string[]; onAdd: (tag: string) => Promise<unknown>; onRemove: (tag: string) => Promise<unknown> }) {
  const [text, setText] = useState('');
  const { busy, error, run } = useAction();
  const add = () => {
    const tag = text.trim();
    if (!tag) return;
    if (tags.includes(tag)) {
      setText('');
      return;
    }
    run(() => onAdd(tag), () => setText(''));
  };
  return (
    <div className="tag-editor">
      <ul className="tag-list" aria-label="Tags">
        {tags.length === 0 && <li className="muted">No tags</li>}
        {tags.map((tag) => (
          <li key={tag} className="tag-chip">
            <span>{tag}</span>
            <button type="button" className="tag-remove" aria-label={`Remove tag ${tag}`} disabled={busy} onClick={() => run(() => onRemove(tag))}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <span className="tag-add">
        <input
          className="text-input"
          aria-label="New tag"
          placeholder="Add a tag…"
          value={text}
          disabled={busy}
          maxLength={255}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
        />
        <button type="button" className="button button-small" onClick={add} disabled={busy || !text.trim()}>
          Add tag
        </button>
      </span>
      {error !== undefined && <ErrorMessage error={error} />}
    </div>
  );
}
