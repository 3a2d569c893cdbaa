/** A task's progress from the mirror, as a labelled progress bar (the task panel shows the same task). */
import { useRecord } from '../../store';

export function TaskProgress({ connectionId, taskRef, words }: { connectionId: string; taskRef: string | undefined; words: string }) {
  const task = useRecord(connectionId, 'task', taskRef);
  const pct = Math.round((task?.progress ?? 0) * 100);
  return (
    <div className="snap-progress" role="status">
      <span>{words}</span>
      <progress max={100} value={pct} aria-label={words} />
      <span className="muted">{pct}%</span>
    </div>
  );
}
