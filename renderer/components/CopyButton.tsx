/** Copies a value (a UUID, an IP) to the clipboard and says so for a moment. */
import { useEffect, useState } from 'react';
import { Icon } from './Icon';

export function CopyButton({ value, what }: { value: string; what: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 1500);
    return () => clearTimeout(t);
  }, [state]);
  return (
    <button
      type="button"
      className="icon-button"
      aria-label={`Copy ${what}`}
      title={state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: the clipboard is not available' : `Copy ${what}`}
      onClick={() => navigator.clipboard.writeText(value).then(() => setState('copied'), () => setState('failed'))}
    >
      <Icon name="copy" size={14} />
      <span className="copy-feedback" role="status">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : ''}
      </span>
    </button>
  );
}
