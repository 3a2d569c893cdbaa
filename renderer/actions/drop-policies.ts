/**
 * What dragging objects onto a row of the resource tree does (the rules of components/drop-policy.ts).
 * Features add theirs to TREE_DROP_POLICIES (the migration feature: a VM onto a host). Here: onto a tag
 * of the Organization view (the objects get the tag, XAPI's add_tags) and onto a folder (other_config
 * "folder", the key XenCenter keeps folders in; the Folders row takes objects out of their folder), as
 * XenCenter does. Each call is listed in the task panel if the pool refuses it.
 */
import type { Bridge } from '../../shared/bridge';
import type { DropPolicy, DropVerdict } from '../components/drop-policy';
import type { MirrorState, ObjectTarget, Target } from '../store';
import type { TreeNodeModel } from '../views/tree/tree-model';
import { migrationDropPolicy } from '../views/migration/migration-drop-policy';
import { callRecorded } from './run-tasks';
import type { ActionContext } from './types';

/** A tree row something is dragged over, and the mirror to judge by. */
export interface TreeDropTarget {
  node: TreeNodeModel;
  state: MirrorState;
  /** For a verdict's background `check` (read-only calls, e.g. a host's VM.assert_can_boot_here while hovering it). */
  bridge?: Bridge;
}

export type TreeDropPolicy = DropPolicy<Target, TreeDropTarget, Pick<ActionContext, 'bridge' | 'getState' | 'ui'>>;

/** Classes whose records carry tags and other_config, with the words for them. */
const ORGANIZABLE = { VM: 'VM', host: 'host', SR: 'storage repository', network: 'network', pool: 'pool' } as const;
type Organizable = keyof typeof ORGANIZABLE;

interface OrganizableRecord {
  name_label: string;
  tags: string[];
  other_config: Record<string, string>;
}

function organizable(dragged: readonly Target[], state: MirrorState): { target: ObjectTarget & { cls: Organizable }; record: OrganizableRecord }[] {
  const out: { target: ObjectTarget & { cls: Organizable }; record: OrganizableRecord }[] = [];
  for (const t of dragged) {
    if (t.kind !== 'object' || !(t.cls in ORGANIZABLE)) continue;
    const record = state.mirrors[t.connectionId]?.objects[t.cls]?.get(t.ref) as OrganizableRecord | undefined;
    if (record) out.push({ target: t as ObjectTarget & { cls: Organizable }, record });
  }
  return out;
}

const count = (n: number) => (n === 1 ? '1 object' : `${n} objects`);

async function eachCall(bridge: Bridge, items: ReturnType<typeof organizable>, title: string, calls: (item: ReturnType<typeof organizable>[number]) => [string, unknown[]][]): Promise<void> {
  await Promise.all(
    items.map(async (item) => {
      const info = { connectionId: item.target.connectionId, title, targetName: item.record.name_label, targetRef: item.target.ref };
      for (const [method, params] of calls(item)) await callRecorded(bridge, info, method, params);
    }),
  );
}

export const tagDropPolicy: TreeDropPolicy = {
  id: 'organization.tag',
  evaluate(dragged, { node, state }): DropVerdict<Pick<ActionContext, 'bridge'>> | undefined {
    if (node.group?.kind !== 'tag') return undefined;
    const tag = node.group.tag;
    const items = organizable(dragged, state);
    if (items.length === 0) return { kind: 'refuse', reason: 'Only VMs, hosts, pools, storage and networks carry tags.' };
    const untagged = items.filter((i) => !i.record.tags.includes(tag));
    if (untagged.length === 0) return { kind: 'refuse', reason: `${items.length === 1 ? items[0].record.name_label : 'They'} already ${items.length === 1 ? 'has' : 'have'} the tag “${tag}”.` };
    return {
      kind: 'accept',
      label: `Add the tag “${tag}” to ${untagged.length === 1 ? untagged[0].record.name_label : count(untagged.length)}`,
      drop: ({ bridge }) => eachCall(bridge, untagged, `Add tag “${tag}”`, (i) => [[`${i.target.cls}.add_tags`, [i.target.ref, tag]]]),
    };
  },
};

export const folderDropPolicy: TreeDropPolicy = {
  id: 'organization.folder',
  evaluate(dragged, { node, state }): DropVerdict<Pick<ActionContext, 'bridge'>> | undefined {
    if (node.group?.kind !== 'folder') return undefined;
    const path = node.group.path;
    const items = organizable(dragged, state);
    if (items.length === 0) return { kind: 'refuse', reason: 'Only VMs, hosts, pools, storage and networks go in folders.' };
    const inFolder = (i: (typeof items)[number]) => (path === '/' ? !i.record.other_config?.folder : i.record.other_config?.folder === path);
    const moving = items.filter((i) => !inFolder(i));
    if (moving.length === 0) return { kind: 'refuse', reason: path === '/' ? 'Not in a folder.' : `Already in the folder “${node.label}”.` };
    const who = moving.length === 1 ? moving[0].record.name_label : count(moving.length);
    return {
      kind: 'accept',
      label: path === '/' ? `Take ${who} out of its folder` : `Move ${who} to the folder “${node.label}”`,
      drop: ({ bridge }) =>
        eachCall(bridge, moving, path === '/' ? 'Remove from folder' : `Move to folder “${node.label}”`, (i) => [
          ...(i.record.other_config?.folder !== undefined ? [[`${i.target.cls}.remove_from_other_config`, [i.target.ref, 'folder']] as [string, unknown[]]] : []),
          ...(path === '/' ? [] : [[`${i.target.cls}.add_to_other_config`, [i.target.ref, 'folder', path]] as [string, unknown[]]]),
        ]),
    };
  },
};

/** Every drop the tree knows, in order: the first that accepts wins (components/drop-policy.ts). */
export const TREE_DROP_POLICIES: TreeDropPolicy[] = [migrationDropPolicy, tagDropPolicy, folderDropPolicy];
