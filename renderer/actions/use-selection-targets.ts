/** The selection as action targets (connections and objects; group rows such as "Templates" left out). */
import { useMemo } from 'react';
import { parseObjectId, useSelectionIds, type Target } from '../store';

export function useSelectionTargets(): Target[] {
  const ids = useSelectionIds();
  return useMemo(() => ids.map(parseObjectId).filter((t): t is Target => Boolean(t)), [ids]);
}
