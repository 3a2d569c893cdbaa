/**
 * Identifiers of what can be selected or shown: a connection, one XAPI object of a connection, or a
 * Docker container inside a VM (no XAPI class: xscontainer lists them in the VM's other_config).
 * They are plain strings (tree row ids, selection entries, keys of the active-tab map) with a prefix
 * so they can be told apart and parsed back. XAPI refs never contain `|`, class names neither, so an
 * object id is split from its end; the connection id may contain anything. A container's id is encoded
 * (it comes from the guest's Docker, through the VM's other_config: untrusted).
 */
import type { XapiClassName } from '../../shared/xapi/generated/records';

export type ObjectId = string;

export interface ObjectTarget {
  kind: 'object';
  connectionId: string;
  cls: XapiClassName;
  ref: string;
}

export interface ConnectionTarget {
  kind: 'connection';
  connectionId: string;
}

/** A Docker container of a VM, by Docker's full container id (views/containers). */
export interface ContainerTarget {
  kind: 'container';
  connectionId: string;
  vmRef: string;
  containerId: string;
}

export type Target = ObjectTarget | ConnectionTarget | ContainerTarget;

export const objectId = (connectionId: string, cls: XapiClassName, ref: string): ObjectId => `o|${connectionId}|${cls}|${ref}`;

export const connectionNodeId = (connectionId: string): ObjectId => `c|${connectionId}`;

export const containerNodeId = (connectionId: string, vmRef: string, containerId: string): ObjectId => `d|${connectionId}|${vmRef}|${encodeURIComponent(containerId)}`;

/** The id of any target (a tree row's, a selection entry's). */
export function targetId(t: Target): ObjectId {
  if (t.kind === 'connection') return connectionNodeId(t.connectionId);
  if (t.kind === 'container') return containerNodeId(t.connectionId, t.vmRef, t.containerId);
  return objectId(t.connectionId, t.cls, t.ref);
}

/** The target an id names, or undefined for ids of other rows (tree groups such as "Templates"). */
export function parseObjectId(id: string): Target | undefined {
  if (id.startsWith('c|')) return { kind: 'connection', connectionId: id.slice(2) };
  const isContainer = id.startsWith('d|');
  if (!id.startsWith('o|') && !isContainer) return undefined;
  const lastAt = id.lastIndexOf('|');
  const midAt = id.lastIndexOf('|', lastAt - 1);
  if (midAt <= 1) return undefined;
  const connectionId = id.slice(2, midAt);
  if (!isContainer) return { kind: 'object', connectionId, cls: id.slice(midAt + 1, lastAt) as XapiClassName, ref: id.slice(lastAt + 1) };
  try {
    return { kind: 'container', connectionId, vmRef: id.slice(midAt + 1, lastAt), containerId: decodeURIComponent(id.slice(lastAt + 1)) };
  } catch {
    return undefined;
  }
}

/** XAPI's "no object" reference (and the empty string some old servers send). */
export const isNullRef = (ref: string | undefined | null): boolean => !ref || ref === 'OpaqueRef:NULL';
