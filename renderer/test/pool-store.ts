/** A mirror store holding one connected pool ("Production", connection id `c`) with the given records, for unit tests of what reads the mirror. */
import type { MirrorBatch } from '../../shared/bridge';
import { createMirrorStore } from '../store';

export function storeWithPool(added: MirrorBatch['added'], options: { demo?: boolean } = {}) {
  const store = createMirrorStore();
  store.getState().setConnections([{ id: 'c', address: 'h', user: 'root', label: 'Production', demo: options.demo ?? false, remembered: false, hidden: false, status: { state: 'connected' } }]);
  store.getState().applyBatch({ connectionId: 'c', reset: true, added, modified: {}, removed: {} });
  return store;
}
