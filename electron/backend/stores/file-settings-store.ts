/** SettingsStore as `settings.json` in the state folder: saved servers (without passwords), UI preferences. */
import { join } from 'node:path';
import type { SettingsStore } from '../ports';
import { JsonFile, type JsonFileOptions } from './json-file';

export class FileSettingsStore implements SettingsStore {
  private readonly file: JsonFile<Record<string, unknown>>;

  constructor(stateDir: string, options: Pick<JsonFileOptions, 'onCorrupt'> = {}) {
    this.file = new JsonFile(join(stateDir, 'settings.json'), () => ({}), options);
  }

  async get<T>(key: string): Promise<T | undefined> {
    const doc = await this.file.read();
    // structuredClone: a caller mutating what it got must not change the stored document behind our back.
    return Object.hasOwn(doc, key) ? structuredClone(doc[key] as T) : undefined;
  }

  async set<T>(key: string, value: T): Promise<void> {
    const copy = value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
    await this.file.update((doc) => {
      const next = { ...doc };
      if (copy === undefined) delete next[key];
      else next[key] = copy;
      return next;
    });
  }
}
