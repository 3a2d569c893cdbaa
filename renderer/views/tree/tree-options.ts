/**
 * What the resource tree shows, as XenCenter's View menu has it: built-in (default) templates hidden,
 * custom templates and local storage shown, networks only in the Objects view, objects marked
 * HideFromXenCenter hidden. The choice is the user's, kept in localStorage (read back through a check,
 * so a damaged value gives the defaults).
 */
import { useSyncExternalStore } from 'react';
import { z } from 'zod';
import { readPersisted, writePersisted } from '../../persisted';

export interface TreeOptions {
  defaultTemplates: boolean;
  customTemplates: boolean;
  localStorage: boolean;
  networks: boolean;
  hiddenObjects: boolean;
}

export const DEFAULT_TREE_OPTIONS: TreeOptions = { defaultTemplates: false, customTemplates: true, localStorage: true, networks: false, hiddenObjects: false };

export const TREE_OPTION_LABELS: Record<keyof TreeOptions, string> = {
  defaultTemplates: 'Built-in templates',
  customTemplates: 'Custom templates',
  localStorage: 'Local storage',
  networks: 'Networks',
  hiddenObjects: 'Hidden objects',
};

const KEY = 'xendeck.tree.options';
const schema = z.object({ defaultTemplates: z.boolean(), customTemplates: z.boolean(), localStorage: z.boolean(), networks: z.boolean(), hiddenObjects: z.boolean() }).partial();

const load = (): TreeOptions => ({ ...DEFAULT_TREE_OPTIONS, ...readPersisted(KEY, schema, {}) });

let current: TreeOptions | undefined;
const listeners = new Set<() => void>();

export function treeOptions(): TreeOptions {
  return (current ??= load());
}

export function setTreeOption(key: keyof TreeOptions, value: boolean): void {
  current = { ...treeOptions(), [key]: value };
  writePersisted(KEY, current); // storage full or disabled: the choice lasts for the session
  for (const l of listeners) l();
}

export function useTreeOptions(): TreeOptions {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    treeOptions,
  );
}
