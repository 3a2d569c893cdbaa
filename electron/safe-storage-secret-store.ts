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
import { FileSecretStore, secretsSchema } from './backend/stores/file-secret-store';
import { JsonFile, type StoreOptions } from './backend/stores/json-file';

export class SafeStorageSecretStore implements SecretStore {
  readonly kind = 'os-keychain' as const;
  private readonly file: JsonFile<typeof secretsSchema>;

  constructor(stateDir: string, private readonly options: StoreOptions = {}) {
    // Read through the same schema as secrets.json: a value that is not a string is dropped and logged.
    this.file = new JsonFile(join(stateDir, 'secrets.os.json'), secretsSchema, 'saved passwords', options);
  }

  async get(key: string): Promise<string | undefined> {
    const doc = await this.file.read();
    if (!Object.hasOwn(doc, key)) return undefined;
    let decrypted: { result: string; shouldReEncrypt: boolean };
    try {
      decrypted = await safeStorage.decryptStringAsync(Buffer.from(doc[key], 'base64'));
    } catch (err) {
      // Ciphertext of another keychain (a copied profile) or a damaged file: as if no password was saved
      // (the user is asked for it), rather than a start-up that fails.
      this.options.log?.(`secrets.os.json: the saved password ${key} could not be decrypted (${err instanceof Error ? err.message : String(err)}); it is ignored`);
      return undefined;
    }
    const { result, shouldReEncrypt } = decrypted;
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
export async function chooseSecretStore(stateDir: string, options: StoreOptions = {}): Promise<SecretStore> {
  const available = await safeStorage.isAsyncEncryptionAvailable().catch(() => false);
  const plainTextKey = process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text';
  return available && !plainTextKey ? new SafeStorageSecretStore(stateDir, options) : new FileSecretStore(stateDir, options);
}
