/** Types of linux-sandbox.mjs for TypeScript callers (its test). */
export function sandboxProblem(sandboxHelper: string, options?: { readSetting?: (path: string) => string | undefined }): string | undefined;
export function sandboxAdvice(problem: string, sandboxHelper: string): string[];
export function isSandboxFailure(output: string): boolean;
