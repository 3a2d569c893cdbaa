/** Types of build-if-needed.mjs for TypeScript callers (the e2e global setup). */
export function buildIfNeeded(options?: { log?: (line: string) => void }): boolean;
