/**
 * The status strip's word on a pool master failover (master-follow.ts): "looking for the server that
 * takes over" while the connection is down, then which server is master now. Stays until dismissed, so
 * whoever looks at a demo stand later still sees what happened.
 */
import { useEffect, useRef, useState } from 'react';
import { Icon } from '../../components/Icon';
import { useMirrorStoreApi } from '../../store';
import { masterNotices, noticeText, type MasterNotice, type MasterWatch } from './master-follow';

export function MasterFollowNotice() {
  const store = useMirrorStoreApi();
  const watch = useRef(new Map<string, MasterWatch>());
  const [notices, setNotices] = useState<readonly MasterNotice[]>([]);
  const dismissRef = useRef<(n: MasterNotice) => void>(() => undefined);

  useEffect(() => {
    let current: readonly MasterNotice[] = [];
    const update = () => {
      const next = masterNotices(store.getState(), watch.current, current);
      if (next.length === current.length && next.every((n, i) => n === current[i])) return;
      current = next;
      setNotices(next);
    };
    update();
    const off = store.subscribe(update);
    // Dismissing drops a notice from what the next state is compared with.
    dismissRef.current = (n) => {
      current = current.filter((x) => x !== n);
      setNotices(current);
    };
    return off;
  }, [store]);

  return (
    <>
      {notices.map((n) => (
        <span key={n.connectionId} className={`status-strip-item${n.kind === 'searching' ? ' status-strip-alert' : ''}`} role="status">
          <Icon name={n.kind === 'searching' ? 'alert' : 'pool'} />
          <span>{noticeText(n)}</span>
          <button type="button" className="button button-small" onClick={() => dismissRef.current(n)} aria-label={`Dismiss: ${noticeText(n)}`}>
            Dismiss
          </button>
        </span>
      ))}
    </>
  );
}
