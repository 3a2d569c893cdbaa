/** CertificateStore as `certificates.json` in the state folder: host address → SHA-256 fingerprint pinned on first use. */
import { join } from 'node:path';
import type { CertificateStore } from '../ports';
import { JsonFile, type JsonFileOptions } from './json-file';

export class FileCertificateStore implements CertificateStore {
  private readonly file: JsonFile<Record<string, string>>;

  constructor(stateDir: string, options: Pick<JsonFileOptions, 'onCorrupt'> = {}) {
    this.file = new JsonFile(join(stateDir, 'certificates.json'), () => ({}), options);
  }

  async get(host: string): Promise<string | undefined> {
    const doc = await this.file.read();
    return Object.hasOwn(doc, host) && typeof doc[host] === 'string' ? doc[host] : undefined;
  }

  async set(host: string, fingerprint256: string): Promise<void> {
    await this.file.update((doc) => ({ ...doc, [host]: fingerprint256 }));
  }

  async delete(host: string): Promise<void> {
    await this.file.update((doc) => {
      const next = { ...doc };
      delete next[host];
      return next;
    });
  }
}
