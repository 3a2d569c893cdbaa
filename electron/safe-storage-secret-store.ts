/**
 * SecretStore encrypted by the OS keychain through Electron's safeStorage (Keychain on macOS, DPAPI on
 * Windows, libsecret/KWallet on Linux). Values live in `secrets.os.json` in userData as base64 ciphertext,
 * the layout Podman Desktop's safe-storage registry uses; the file itself is 0600 as well.
 *
 * Uses the async API: the sync encryptString/decryptString are deprecated in Electron 45 and announced
 * for removal. `chooseSecretStore` falls back to the 0600 file store when there is no real keychain:
 * on Linux without a secret service Electron selects `basic_text`, whose key is hard-coded, and calling
 * that "encrypted" would mislead the user.
 */
import { safeStorage } from 'electron';
import { join } from 'node:path';
import type { SecretStore } from './backend/ports';
import { FileSecretStore } from './backend/stores/file-secret-store';
import { JsonFile, type JsonFileOptions } from './backend/stores/json-file';

export class SafeStorageSecretStore implements SecretStore {
  readonly kind = 'os-keychain' as const;
  private readonly file: JsonFile<Record<string, string>>;

  constructor(stateDir: string, options: Pick<JsonFileOptions, 'onCorrupt'> = {}) {
    this.file = new JsonFile(join(stateDir, 'secrets.os.json'), () => ({}), { ...options, mode: 0o600 });
  }

  async get(key: string): Promise<string | undefined> {
    const doc = await this.file.read();
    if (!Object.hasOwn(doc, key) || typeof doc[key] !== 'string') return undefined;
    const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(Buffer.from(doc[key], 'base64'));
    // The OS rotated its key: store the value again under the new one, so old ciphertext does not linger.
    if (shouldReEncrypt) await this.set(key, result);
    return result;
  }

  async set(key: string, value: string): Promise<void> {
    const encrypted = (await safeStorage.encryptStringAsync(value)).toString('base64');
    await this.file.update((doc) => ({ ...doc, [key]: encrypted }));
  }

  async delete(key: string): Promise<void> {
    await this.file.update((doc) => {
      const next = { ...doc };
      delete next[key];
      return next;
    });
  }
}

/** The OS keychain when there is a real one, otherwise the user-only file (the UI shows which). Call after `app` is ready. */
export async function chooseSecretStore(stateDir: string, options: Pick<JsonFileOptions, 'onCorrupt'> = {}): Promise<SecretStore> {
  const available = await safeStorage.isAsyncEncryptionAvailable().catch(() => false);
  const plainTextKey = process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text';
  return available && !plainTextKey ? new SafeStorageSecretStore(stateDir, options) : new FileSecretStore(stateDir, options);
}
