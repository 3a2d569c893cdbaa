/**
 * SettingsStore as `settings.json` in the state folder: saved servers (without passwords) and
 * preferences, each key with the shape settings-schema.ts gives it.
 */
import { join } from 'node:path';
import type { SettingsStore } from '../ports';
import { JsonFile, type StoreOptions } from './json-file';
import { settingsSchema, type SettingKey, type SettingValue } from './settings-schema';

export class FileSettingsStore implements SettingsStore {
  private readonly file: JsonFile<typeof settingsSchema>;

  constructor(stateDir: string, options: StoreOptions = {}) {
    this.file = new JsonFile(join(stateDir, 'settings.json'), settingsSchema, 'saved servers and preferences', options);
  }

  async get<K extends SettingKey>(key: K): Promise<SettingValue<K> | undefined> {
    const doc = await this.file.read();
    // structuredClone: a caller mutating what it got must not change the stored document behind our back.
    return Object.hasOwn(doc, key) ? structuredClone(doc[key] as SettingValue<K>) : undefined;
  }

  async set<K extends SettingKey>(key: K, value: SettingValue<K> | undefined): Promise<void> {
    // Checked like what is read: a value the next start would drop is refused now, where the caller hears of it.
    const copy = value === undefined ? undefined : settingsSchema.shape[key].parse(JSON.parse(JSON.stringify(value)));
    await this.file.update((doc) => {
      const next: Record<string, unknown> = { ...doc };
      if (copy === undefined) delete next[key];
      else next[key] = copy;
      return next;
    });
  }
}
