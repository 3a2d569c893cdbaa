/** The right pane for a selected Docker container: its name, state and tabs (General, Processes, Details). */
import type { ContainerTarget } from '../../store/object-id';
import { DetailFrame } from '../tabs/DetailFrame';
import { containerNodeState } from './container-tree';
import { useContainer } from './use-container';
import { displayName } from './vm-containers';

export function ContainerDetail({ target, count }: { target: ContainerTarget; count: number }) {
  const { vm, container } = useContainer(target);
  if (!vm || !container) {
    return (
      <div className="detail-empty" role="status">
        <p className="muted">This container is no longer listed by its VM.</p>
      </div>
    );
  }
  return <DetailFrame target={target} kind="container" record={vm} name={displayName(container)} state={containerNodeState(container)} count={count} />;
}
