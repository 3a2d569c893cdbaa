/** Runs one user action at a time for a view: busy flag and the last error (shown in words by ErrorMessage). */
import { useCallback, useState } from 'react';

export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback((work: () => Promise<unknown>, after?: () => void) => {
    setBusy(true);
    setError(undefined);
    work().then(
      () => {
        setBusy(false);
        after?.();
      },
      (err: unknown) => {
        setBusy(false);
        setError(err);
      },
    );
  }, []);
  return { busy, error, run, clearError: () => setError(undefined) };
}
