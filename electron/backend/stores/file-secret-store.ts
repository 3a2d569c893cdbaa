/**
 * SecretStore as `secrets.json`, mode 0600 in a 0700 folder: readable by the user only, not encrypted.
 * Used in browser mode and in Electron when the OS offers no real keychain (safeStorage unavailable,
 * or Linux's `basic_text` backend, whose key is hard-coded). `kind: 'user-file'` lets the UI say so.
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { SecretStore } from '../ports';
import { JsonFile, type StoreOptions } from './json-file';

/** key → value (a password, or in secrets.os.json its ciphertext in base64). */
export const secretsSchema = z.record(z.string().min(1).max(300), z.string().max(1_000_000));

export class FileSecretStore implements SecretStore {
  readonly kind = 'user-file' as const;
  private readonly file: JsonFile<typeof secretsSchema>;

  constructor(stateDir: string, options: StoreOptions = {}) {
    this.file = new JsonFile(join(stateDir, 'secrets.json'), secretsSchema, 'saved passwords', options);
  }

  async get(key: string): Promise<string | undefined> {
    const doc = await this.file.read();
    return Object.hasOwn(doc, key) ? doc[key] : undefined;
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
