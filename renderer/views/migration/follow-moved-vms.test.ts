import { describe, expect, it } from 'vitest';
import { createMirrorStore, objectId, type MirrorStore } from '../../store';
import { withoutVanished } from '../../store/vanished-selection';
import { followMovedVms } from './follow-moved-vms';

const vm = (uuid: string, name: string) => ({ uuid, name_label: name, is_a_snapshot: false, is_a_template: false, is_control_domain: false, power_state: 'Halted' });

function pools(): MirrorStore {
  const store = createMirrorStore();
  store.getState().applyBatch({ connectionId: 'lab', reset: true, added: { pool: { 'OpaqueRef:lp': { uuid: 'lp', name_label: 'Lab' } }, VM: { 'OpaqueRef:s': vm('u-sandbox', 'sandbox-01'), 'OpaqueRef:k': vm('u-k8s', 'k8s-lab-3') } }, modified: {}, removed: {} });
  store.getState().applyBatch({ connectionId: 'prod', reset: true, added: { pool: { 'OpaqueRef:pp': { uuid: 'pp', name_label: 'Production' } }, VM: { 'OpaqueRef:w': vm('u-web', 'web-01') } }, modified: {}, removed: {} });
  // As the window runs them: a vanished selection goes to the pool, and moved VMs are followed.
  store.subscribe((s) => {
    const next = withoutVanished(s);
    if (next !== s.selection.ids) s.select(next);
  });
  followMovedVms(store);
  return store;
}

const leaveLab = (store: MirrorStore) => store.getState().applyBatch({ connectionId: 'lab', added: {}, modified: {}, removed: { VM: ['OpaqueRef:s'] } });
const arriveInProd = (store: MirrorStore) => store.getState().applyBatch({ connectionId: 'prod', added: { VM: { 'OpaqueRef:new': vm('u-sandbox', 'sandbox-01') } }, modified: {}, removed: {} });

describe('following a VM that moved to another pool', () => {
  it('selects it in the destination pool, on the tab it was shown with, whichever pool reports first', () => {
    for (const order of [[leaveLab, arriveInProd], [arriveInProd, leaveLab]]) {
      const store = pools();
      const from = objectId('lab', 'VM', 'OpaqueRef:s');
      store.getState().select([from]);
      store.getState().setActiveTab(from, 'console');
      for (const step of order) step(store);
      const to = objectId('prod', 'VM', 'OpaqueRef:new');
      expect(store.getState().selection.ids).toEqual([to]);
      expect(store.getState().activeTabs[to]).toBe('console');
    }
  });

  it('leaves the selection alone when the user chose something else meanwhile, or the VM was deleted', () => {
    const store = pools();
    store.getState().select([objectId('lab', 'VM', 'OpaqueRef:s')]);
    leaveLab(store);
    expect(store.getState().selection.ids).toEqual([objectId('lab', 'pool', 'OpaqueRef:lp')]);
    store.getState().select([objectId('prod', 'VM', 'OpaqueRef:w')]);
    arriveInProd(store);
    expect(store.getState().selection.ids).toEqual([objectId('prod', 'VM', 'OpaqueRef:w')]);

    const deleted = pools();
    deleted.getState().select([objectId('lab', 'VM', 'OpaqueRef:k')]);
    deleted.getState().applyBatch({ connectionId: 'lab', added: {}, modified: {}, removed: { VM: ['OpaqueRef:k'] } });
    arriveInProd(deleted);
    expect(deleted.getState().selection.ids).toEqual([objectId('lab', 'pool', 'OpaqueRef:lp')]);
  });
});
