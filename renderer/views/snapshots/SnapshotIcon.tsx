/** Small pictures for the tree: a camera for a disk snapshot, a camera with a chip for memory, a play/stop dot for "Now". */
import type { SnapshotKind } from './snapshot-model';

export function SnapshotIcon({ kind, running }: { kind: SnapshotKind | 'now'; running?: boolean }) {
  if (kind === 'now') {
    return (
      <svg className="snap-icon snap-icon-now" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
        <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
        {running ? <path d="M6.5 5v6l4.5-3z" fill="currentColor" /> : <rect x="5.5" y="5.5" width="5" height="5" fill="currentColor" />}
      </svg>
    );
  }
  return (
    <svg className={`snap-icon snap-icon-${kind}`} width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M2 5h2.5l1.2-1.8h4.6L11.5 5H14v8H2z" fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinejoin="round" />
      <circle cx="8" cy="9" r="2.2" fill="none" stroke="currentColor" strokeWidth="1.3" />
      {kind === 'memory' && <rect x="10.5" y="10.5" width="5" height="5" rx="0.8" fill="currentColor" />}
      {kind === 'quiesced' && <circle cx="13" cy="13" r="2.5" fill="currentColor" />}
    </svg>
  );
}
