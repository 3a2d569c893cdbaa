/**
 * SecretStore as `secrets.json`, mode 0600 in a 0700 folder: readable by the user only, not encrypted.
 * Used in browser mode and in Electron when the OS offers no real keychain (safeStorage unavailable,
 * or Linux's `basic_text` backend, whose key is hard-coded). `kind: 'user-file'` lets the UI say so.
 */
import { join } from 'node:path';
import type { SecretStore } from '../ports';
import { JsonFile, type JsonFileOptions } from './json-file';

export class FileSecretStore implements SecretStore {
  readonly kind = 'user-file' as const;
  private readonly file: JsonFile<Record<string, string>>;

  constructor(stateDir: string, options: Pick<JsonFileOptions, 'onCorrupt'> = {}) {
    this.file = new JsonFile(join(stateDir, 'secrets.json'), () => ({}), { ...options, mode: 0o600 });
  }

  async get(key: string): Promise<string | undefined> {
    const doc = await this.file.read();
    return Object.hasOwn(doc, key) && typeof doc[key] === 'string' ? doc[key] : undefined;
  }

  async set(key: string, value: string): Promise<void> {
    await this.file.update((doc) => ({ ...doc, [key]: value }));
  }

  async delete(key: string): Promise<void> {
    await this.file.update((doc) => {
      const next = { ...doc };
      delete next[key];
      return next;
    });
  }
}
