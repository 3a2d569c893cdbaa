import { describe, expect, it } from 'vitest';
import { evaluateDrop } from '../components/drop-policy';
import { createMirrorStore, type Target } from '../store';
import type { TreeNodeModel } from '../views/tree/tree-model';
import { TREE_DROP_POLICIES } from './drop-policies';

function state() {
  const store = createMirrorStore();
  store.getState().applyBatch({
    connectionId: 'c',
    reset: true,
    added: {
      VM: {
        a: { name_label: 'web-01', tags: ['prod'], other_config: { folder: '/Web' }, is_a_template: false, is_a_snapshot: false, is_control_domain: false },
        b: { name_label: 'web-02', tags: [], other_config: {}, is_a_template: false, is_a_snapshot: false, is_control_domain: false },
      },
    },
    modified: {},
    removed: {},
  });
  return store.getState();
}

const vm = (ref: string): Target => ({ kind: 'object', connectionId: 'c', cls: 'VM', ref });
const tag = (t: string): TreeNodeModel => ({ key: `tag:${t}`, id: `g|tag:${t}`, label: t, kind: 'tag', group: { kind: 'tag', tag: t } });
const folder = (path: string, label: string): TreeNodeModel => ({ key: `folder:${path}`, id: `g|folder:${path}`, label, kind: 'folder', group: { kind: 'folder', path } });
const verdict = (dragged: Target[], node: TreeNodeModel) => evaluateDrop(TREE_DROP_POLICIES, dragged, { node, state: state() });

describe('dropping objects on the Organization view', () => {
  it('tags what lacks the tag, and refuses when everything has it', () => {
    expect(verdict([vm('a'), vm('b')], tag('prod'))).toMatchObject({ kind: 'accept', label: 'Add the tag “prod” to web-02' });
    expect(verdict([vm('a')], tag('prod'))).toEqual({ kind: 'refuse', reason: 'web-01 already has the tag “prod”.' });
  });

  it('moves into a folder, refuses a move to where they are, and takes objects out of folders on the Folders row', () => {
    expect(verdict([vm('b')], folder('/Web', 'Web'))).toMatchObject({ kind: 'accept', label: 'Move web-02 to the folder “Web”' });
    expect(verdict([vm('a')], folder('/Web', 'Web'))).toEqual({ kind: 'refuse', reason: 'Already in the folder “Web”.' });
    expect(verdict([vm('a')], folder('/', 'Folders'))).toMatchObject({ kind: 'accept', label: 'Take web-01 out of its folder' });
    expect(verdict([vm('b')], folder('/', 'Folders'))).toEqual({ kind: 'refuse', reason: 'Not in a folder.' });
  });

  it('has nothing to say about rows that are not tags or folders', () => {
    expect(verdict([vm('a')], { key: 'h', id: 'h', label: 'xcp-01', kind: 'host' })).toBeUndefined();
  });
});
