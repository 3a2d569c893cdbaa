/**
 * Identifiers of what can be selected or shown: a connection, or one XAPI object of a connection.
 * They are plain strings (tree row ids, selection entries, keys of the active-tab map) with a prefix
 * so they can be told apart and parsed back. XAPI refs never contain `|`, class names neither, so an
 * object id is split from its end; the connection id may contain anything.
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

export type Target = ObjectTarget | ConnectionTarget;

export const objectId = (connectionId: string, cls: XapiClassName, ref: string): ObjectId => `o|${connectionId}|${cls}|${ref}`;

export const connectionNodeId = (connectionId: string): ObjectId => `c|${connectionId}`;

/** The target an id names, or undefined for ids of other rows (tree groups such as "Templates"). */
export function parseObjectId(id: string): Target | undefined {
  if (id.startsWith('c|')) return { kind: 'connection', connectionId: id.slice(2) };
  if (!id.startsWith('o|')) return undefined;
  const refAt = id.lastIndexOf('|');
  const clsAt = id.lastIndexOf('|', refAt - 1);
  if (clsAt <= 1) return undefined;
  return { kind: 'object', connectionId: id.slice(2, clsAt), cls: id.slice(clsAt + 1, refAt) as XapiClassName, ref: id.slice(refAt + 1) };
}

/** XAPI's "no object" reference (and the empty string some old servers send). */
export const isNullRef = (ref: string | undefined | null): boolean => !ref || ref === 'OpaqueRef:NULL';
