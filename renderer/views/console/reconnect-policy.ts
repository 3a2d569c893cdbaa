/**
 * When to try the console again after it dropped: exponential backoff with a ceiling, reset
 * after a successful connection, and no retry while the VM is not running (CLIENT-NOTES 18).
 * A new console location (reboot, migration) means "try now", not "wait out the backoff".
 */
export interface ReconnectPolicy {
  /** Delay before attempt number `attempt` (1-based). */
  delayMs(attempt: number): number;
}

export function backoff(baseMs = 500, maxMs = 15_000): ReconnectPolicy {
  return { delayMs: (attempt) => Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1)) };
}

/** Power states in which a VM has a console to connect to. */
export function hasConsole(powerState: string | undefined): boolean {
  return powerState === 'Running' || powerState === 'Paused';
}
