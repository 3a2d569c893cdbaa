/** CertificateStore as `certificates.json` in the state folder: host address → SHA-256 fingerprint pinned on first use. */
import { join } from 'node:path';
import { z } from 'zod';
import type { CertificateStore } from '../ports';
import { JsonFile, type StoreOptions } from './json-file';

/** host:port → fingerprint (hex, colons allowed: "AB:CD:…"). */
export const certificatesSchema = z.record(z.string().min(1).max(300), z.string().regex(/^[0-9A-Fa-f:]{2,200}$/, 'not a SHA-256 fingerprint'));

export class FileCertificateStore implements CertificateStore {
  private readonly file: JsonFile<typeof certificatesSchema>;

  constructor(stateDir: string, options: StoreOptions = {}) {
    this.file = new JsonFile(join(stateDir, 'certificates.json'), certificatesSchema, 'pinned certificates', options);
  }

  async get(host: string): Promise<string | undefined> {
    const doc = await this.file.read();
    return Object.hasOwn(doc, host) ? doc[host] : undefined;
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
