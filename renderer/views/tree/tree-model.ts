/**
 * The resource tree's content, built from the mirror: one function per view (Infrastructure, Objects,
 * Organization) building it from scratch. The Infrastructure view, the one people keep open on a busy
 * pool, is also kept up to date batch by batch (infrastructure-tree.ts); nodes are described in tree-node.ts.
 *
 * The Infrastructure view follows XenCenter's tree (XenModel/XenSearch/GroupAlg.cs and the VM.Home() /
 * SR.Home() it groups by): under each host, the VMs that live there (running there; else halted or
 * suspended ones whose disks are on that host's local storage; else ones whose affinity is that live host)
 * then its local SRs (not shared, plugged on that host only: Local storage, DVD drives, Removable storage);
 * under the pool, the hosts, the VMs with no home, then shared storage, then custom templates. Built-in
 * templates (is_default_template, or other_config.default_template on older servers) and networks show
 * only when the view options ask (tree-options.ts), as do objects marked HideFromXenCenter; VMs and SRs of
 * a host that is down are left out, internal templates, tmpfs and tools SRs always.
 */
import type { ConnectionInfo } from '../../../shared/bridge';
import type { ConnectionMirror } from '../../store/apply-batch';
import { objectId } from '../../store/object-id';
import { standaloneHost } from '../../store/object-labels';
import { containerGroupRows } from '../containers/container-tree';
import { connectionName } from './connection-status';
import { InfrastructureTree } from './infrastructure-tree';
import { byLabel, connectionRow, NodeFactory, values, Visibility } from './node-factory';
import type { NodeKind, TreeNodeModel, TreeSource, TreeViewKind } from './tree-node';
import { DEFAULT_TREE_OPTIONS, type TreeOptions } from './tree-options';

export { STATE_WORDS, type NodeKind, type NodeState, type TreeNodeModel, type TreeSource, type TreeViewKind } from './tree-node';

const visibleConnections = (src: TreeSource) => src.connections.filter((c) => !c.hidden);

/** Loaded, connected pools with their mirror; others get a connection row. */
function eachConnection(src: TreeSource, connected: (c: ConnectionInfo, m: ConnectionMirror) => void, other: (row: TreeNodeModel) => void) {
  for (const c of visibleConnections(src)) {
    const mirror = src.mirrors[c.id];
    if (mirror?.loaded && c.status.state === 'connected') connected(c, mirror);
    else other(connectionRow(c, c.status.state === 'connected'));
  }
}

/** The Infrastructure view built from scratch (the resource pane keeps one InfrastructureTree up to date instead). */
export function buildInfrastructure(src: TreeSource, options: TreeOptions = DEFAULT_TREE_OPTIONS): TreeNodeModel[] {
  return new InfrastructureTree().update(src, options);
}

function group(key: string, label: string, children: TreeNodeModel[], kind: NodeKind = 'group', defaultOpen = true, meaning?: TreeNodeModel['group']): TreeNodeModel {
  return { key, id: `g|${key}`, label, kind, children, defaultOpen, group: meaning };
}

/** Every object grouped by type, all pools together (XenCenter's Objects view). */
export function buildObjects(src: TreeSource, options: TreeOptions = DEFAULT_TREE_OPTIONS): TreeNodeModel[] {
  const pools: TreeNodeModel[] = [], hosts: TreeNodeModel[] = [], vms: TreeNodeModel[] = [], templates: TreeNodeModel[] = [];
  const srs: TreeNodeModel[] = [], networks: TreeNodeModel[] = [], offline: TreeNodeModel[] = [], containers: TreeNodeModel[] = [];
  eachConnection(
    src,
    (c, m) => {
      const f = new NodeFactory(c.id, m);
      const show = new Visibility(m, options);
      // A standalone server's nameless pool is no pool to its users: XenCenter lists the server only.
      for (const [ref, p] of standaloneHost(m) ? [] : values(m.objects.pool)) {
        pools.push({ key: objectId(c.id, 'pool', ref), id: objectId(c.id, 'pool', ref), target: { kind: 'object', connectionId: c.id, cls: 'pool', ref }, label: p.name_label || connectionName(c), kind: 'pool', state: 'live', stateText: 'connected', terms: [p.uuid, ...p.tags] });
      }
      for (const [ref, h] of values(m.objects.host)) hosts.push(f.host(ref, h, []));
      for (const [ref, vm] of values(m.objects.VM)) {
        if (show.guest(vm)) {
          const node = f.vm(ref, vm);
          vms.push(node);
          containers.push(...containerGroupRows(node, vm.name_label));
        } else if (show.template(vm)) templates.push(f.vm(ref, vm));
      }
      for (const [ref, sr] of values(m.objects.SR)) if (show.sr(sr)) srs.push(f.sr(ref, sr));
      // The Objects view lists networks (XenCenter's Objects view does); the option is for the Infrastructure view.
      for (const [ref, n] of values(m.objects.network)) if (show.network(n)) networks.push(f.network(ref, n));
    },
    (row) => offline.push(row),
  );
  const groups = [
    group('pools', 'Pools', pools.sort(byLabel)),
    group('hosts', 'Servers', hosts.sort(byLabel)),
    group('vms', 'Virtual machines', vms.sort(byLabel)),
    group('templates', 'Templates', templates.sort(byLabel), 'group', false),
    group('srs', 'Storage', srs.sort(byLabel)),
    group('networks', 'Networks', networks.sort(byLabel), 'group', false),
    group('containers', 'Docker containers', containers.sort(byLabel), 'group', false),
  ].filter((g) => g.children?.length);
  return [...groups, ...offline];
}

interface FolderDraft {
  folders: Map<string, FolderDraft>;
  items: TreeNodeModel[];
}

/** Tags and folders (other_config.folder, "/Parent/Child" as XenCenter writes it), objects listed under each. */
export function buildOrganization(src: TreeSource, options: TreeOptions = DEFAULT_TREE_OPTIONS): TreeNodeModel[] {
  const tags = new Map<string, TreeNodeModel[]>();
  const root: FolderDraft = { folders: new Map(), items: [] };
  const offline: TreeNodeModel[] = [];
  const file = (node: TreeNodeModel, tagList: readonly string[], folder: string | undefined) => {
    for (const tag of tagList) {
      const list = tags.get(tag) ?? [];
      tags.set(tag, list);
      list.push(node);
    }
    if (folder && folder !== '/') {
      let at = root;
      for (const part of folder.split('/').filter(Boolean)) {
        let next = at.folders.get(part);
        if (!next) at.folders.set(part, (next = { folders: new Map(), items: [] }));
        at = next;
      }
      at.items.push(node);
    }
  };
  eachConnection(
    src,
    (c, m) => {
      const f = new NodeFactory(c.id, m);
      const show = new Visibility(m, options);
      for (const [ref, vm] of values(m.objects.VM)) if (show.guest(vm) || show.template(vm)) file(f.vm(ref, vm), vm.tags, vm.other_config?.folder);
      for (const [ref, h] of values(m.objects.host)) file(f.host(ref, h, []), h.tags, h.other_config?.folder);
      for (const [ref, sr] of values(m.objects.SR)) if (show.sr(sr)) file(f.sr(ref, sr), sr.tags, sr.other_config?.folder);
      for (const [ref, n] of values(m.objects.network)) if (show.network(n)) file(f.network(ref, n), n.tags, n.other_config?.folder);
      for (const [ref, p] of values(m.objects.pool)) {
        const node: TreeNodeModel = { key: objectId(c.id, 'pool', ref), id: objectId(c.id, 'pool', ref), target: { kind: 'object', connectionId: c.id, cls: 'pool', ref }, label: p.name_label || connectionName(c), kind: 'pool', state: 'live', terms: [p.uuid] };
        file(node, p.tags, p.other_config?.folder);
      }
    },
    (row) => offline.push(row),
  );
  // Folder rows carry their path ("/Production/Web", as other_config.folder holds it); the Folders row is "/".
  const folderNodes = (draft: FolderDraft, path: string): TreeNodeModel[] => [
    ...[...draft.folders].map(([name, sub]) => group(`folder:${path}/${name}`, name, folderNodes(sub, `${path}/${name}`), 'folder', false, { kind: 'folder', path: `${path}/${name}` })).sort(byLabel),
    ...draft.items.sort(byLabel),
  ];
  const tagNodes = [...tags].map(([tag, items]) => group(`tag:${tag}`, tag, items.sort(byLabel), 'tag', false, { kind: 'tag', tag })).sort(byLabel);
  return [group('tags', 'Tags', tagNodes), group('folders', 'Folders', folderNodes(root, ''), 'group', true, { kind: 'folder', path: '/' }), ...offline];
}

export function buildTree(view: TreeViewKind, src: TreeSource, options: TreeOptions = DEFAULT_TREE_OPTIONS): TreeNodeModel[] {
  return view === 'objects' ? buildObjects(src, options) : view === 'organization' ? buildOrganization(src, options) : buildInfrastructure(src, options);
}
