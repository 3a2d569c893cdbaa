/**
 * Whether a console has the keyboard. While it does, the app's own shortcuts must stay off so
 * every key reaches the guest (XO 5 `disableShortcuts`, CLIENT-NOTES 23): shortcut handlers call
 * `isConsoleFocused()` and do nothing when it is true.
 */
let focused = 0;
const listeners = new Set<(focused: boolean) => void>();

export function isConsoleFocused(): boolean {
  return focused > 0;
}

export function onConsoleFocusChange(listener: (focused: boolean) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Called by a console view when it gains (true) or loses (false) the keyboard. */
export function setConsoleFocused(has: boolean): void {
  const before = focused > 0;
  focused = Math.max(0, focused + (has ? 1 : -1));
  if (before !== focused > 0) for (const l of listeners) l(focused > 0);
}
