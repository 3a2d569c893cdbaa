/** Types of dist-config.mjs for TypeScript callers (its test). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function distConfig(options?: { electronDist?: string; output?: string; env?: Record<string, string | undefined> }): any;
export const FUSES: Record<string, boolean>;
export const FILE_ASSOCIATIONS: { ext: string; name: string; description: string; mimeType: string; role: string }[];
export function signingNotes(platforms: string[], env?: Record<string, string | undefined>): string[];
