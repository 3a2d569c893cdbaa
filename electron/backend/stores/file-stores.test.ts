import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { certificatesSchema, FileCertificateStore } from './file-certificate-store';
import { FileSecretStore, secretsSchema } from './file-secret-store';
import { FileSettingsStore } from './file-settings-store';
import { savedServerSchema, settingsSchema, type SettingKey } from './settings-schema';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xendeck-stores-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SERVERS = 'connections.servers';

describe('FileSettingsStore', () => {
  it('keeps saved servers across restarts', async () => {
    const servers = [{ id: 'c1', address: 'xen1.example.com', user: 'root' }];
    await new FileSettingsStore(dir).set(SERVERS, servers);
    expect(await new FileSettingsStore(dir).get(SERVERS)).toEqual(servers);
  });

  it('returns nothing for a key never set, and removes a key set to undefined', async () => {
    const store = new FileSettingsStore(dir);
    expect(await store.get('connections.maxReplyMegabytes')).toBeUndefined();
    await store.set('connections.maxReplyMegabytes', 64);
    await store.set('connections.maxReplyMegabytes', undefined);
    expect(await new FileSettingsStore(dir).get('connections.maxReplyMegabytes')).toBeUndefined();
  });

  it('does not let a caller change the stored value by mutating what it read', async () => {
    const store = new FileSettingsStore(dir);
    await store.set('connections.hiddenDemos', ['a']);
    (await store.get('connections.hiddenDemos'))!.push('b');
    expect(await store.get('connections.hiddenDemos')).toEqual(['a']);
  });

  it('refuses to write a value it would drop when reading it back', async () => {
    const store = new FileSettingsStore(dir);
    await expect(store.set('connections.maxReplyMegabytes', 100_000)).rejects.toThrow();
    expect(await store.get('connections.maxReplyMegabytes')).toBeUndefined();
  });

  it('lands every write of a burst, in order', async () => {
    const store = new FileSettingsStore(dir);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set('connections.hiddenDemos', [`demo-${i}`])));
    await store.set('connections.maxReplyMegabytes', 7);
    const reopened = new FileSettingsStore(dir);
    expect(await reopened.get('connections.hiddenDemos')).toEqual(['demo-19']);
    expect(await reopened.get('connections.maxReplyMegabytes')).toBe(7);
  });

  it('moves a corrupt settings file aside, says so, and starts empty instead of failing', async () => {
    await writeFile(join(dir, 'settings.json'), '{"connections.servers": [trunc');
    const moved: string[] = [];
    const lines: string[] = [];
    const store = new FileSettingsStore(dir, { onCorrupt: (_p, to) => moved.push(to), log: (l) => lines.push(l) });
    expect(await store.get(SERVERS)).toBeUndefined();
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatch(/settings\.json\.corrupt-\d+$/);
    expect(await readFile(moved[0], 'utf8')).toBe('{"connections.servers": [trunc');
    expect(lines).toEqual([expect.stringMatching(/settings\.json could not be read .* moved to .*settings\.json\.corrupt-\d+ and XenDeck started without its saved servers and preferences/)]);
    await store.set(SERVERS, []);
    expect(await new FileSettingsStore(dir).get(SERVERS)).toEqual([]);
  });

  it('moves aside a file that is JSON but not an object of settings', async () => {
    await writeFile(join(dir, 'settings.json'), '[1, 2, 3]');
    const lines: string[] = [];
    expect(await new FileSettingsStore(dir, { log: (l) => lines.push(l) }).get(SERVERS)).toBeUndefined();
    expect(lines).toEqual([expect.stringMatching(/not a JSON object/)]);
    expect((await readdir(dir)).filter((n) => n.startsWith('settings.json.corrupt-'))).toHaveLength(1);
  });

  it('keeps settings of a newer version it does not know', async () => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ 'future.option': { a: 1 }, 'connections.hiddenDemos': ['demo-lab'] }));
    const store = new FileSettingsStore(dir);
    await store.set('connections.maxReplyMegabytes', 300);
    expect(JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'))).toEqual({ 'future.option': { a: 1 }, 'connections.hiddenDemos': ['demo-lab'], 'connections.maxReplyMegabytes': 300 });
  });

  it('leaves no temporary files behind, and writes files only the user can read', async () => {
    const store = new FileSettingsStore(join(dir, 'state'));
    await store.set('connections.hiddenDemos', ['a']);
    await store.set('connections.maxReplyMegabytes', 2);
    expect(await readdir(join(dir, 'state'))).toEqual(['settings.json']);
    if (process.platform !== 'win32') {
      expect((await stat(join(dir, 'state', 'settings.json'))).mode & 0o777).toBe(0o600);
      expect((await stat(join(dir, 'state'))).mode & 0o777).toBe(0o700);
    }
  });
});

/** Values of every JSON shape: each field is tried with all those its schema refuses. */
const WRONG_VALUES: unknown[] = [{ nested: { object: true } }, 42, -1.5, 'text', '', [1, 2], ['x'], [{}], null, true];
const refused = (schema: z.ZodType) => WRONG_VALUES.filter((v) => !schema.safeParse(v).success);
const describeValue = (v: unknown) => JSON.stringify(v);
/** What is left of a refused value: a list loses its wrong items (here all of them), anything else goes. */
const leftOf = (schema: z.ZodType, wrong: unknown) => (Array.isArray(wrong) && schema.safeParse([]).success ? [] : undefined);

const validServer = { id: 'c1', address: 'xen1.example.com', user: 'root', label: 'Production', hidden: false, members: ['10.0.0.2'] };
const validSettings = { 'connections.servers': [validServer], 'connections.hiddenDemos': ['demo-lab'], 'connections.maxReplyMegabytes': 300 };

async function loadSettings(doc: unknown): Promise<{ store: FileSettingsStore; lines: string[] }> {
  await writeFile(join(dir, 'settings.json'), JSON.stringify(doc));
  const lines: string[] = [];
  const store = new FileSettingsStore(dir, { log: (l) => lines.push(l) });
  await store.get(SERVERS);
  return { store, lines };
}

describe('settings of the wrong shape', () => {
  it('covers every setting with a valid example', () => {
    expect(Object.keys(validSettings).sort()).toEqual(Object.keys(settingsSchema.shape).sort());
    expect(Object.keys(validServer).sort()).toEqual(Object.keys(savedServerSchema.shape).sort());
    expect(settingsSchema.safeParse(validSettings).success).toBe(true);
  });

  for (const key of Object.keys(settingsSchema.shape) as SettingKey[]) {
    for (const wrong of refused(settingsSchema.shape[key])) {
      it(`drops ${key} = ${describeValue(wrong)} with a log line and loads the rest`, async () => {
        const { store, lines } = await loadSettings({ ...validSettings, [key]: wrong });
        expect(await store.get(key)).toEqual(leftOf(settingsSchema.shape[key], wrong));
        for (const other of Object.keys(validSettings) as SettingKey[]) if (other !== key) expect(await store.get(other)).toEqual(validSettings[other]);
        expect(lines.length).toBeGreaterThan(0);
        for (const line of lines) expect(line).toMatch(new RegExp(`^settings\\.json: ignored ${escape(key)}\\b.*; the rest of .*settings\\.json loaded$`));
      });
    }
  }

  for (const field of Object.keys(savedServerSchema.shape) as (keyof typeof validServer)[]) {
    const required = !savedServerSchema.shape[field].safeParse(undefined).success;
    for (const wrong of refused(savedServerSchema.shape[field])) {
      it(`${required ? 'drops the saved server' : `keeps the saved server without its ${field}`} when its ${field} is ${describeValue(wrong)}`, async () => {
        const other = { ...validServer, id: 'c2', address: 'xen2.example.com' };
        const { store, lines } = await loadSettings({ ...validSettings, [SERVERS]: [validServer, { ...other, [field]: wrong }] });
        const { [field]: _dropped, ...rest } = other;
        const left = leftOf(savedServerSchema.shape[field], wrong);
        expect(await store.get(SERVERS)).toEqual(required ? [validServer] : [validServer, left ? { ...rest, [field]: left } : rest]);
        expect(await store.get('connections.hiddenDemos')).toEqual(['demo-lab']);
        expect(lines.length).toBeGreaterThan(0);
        expect(lines.every((l) => l.startsWith(`settings.json: ignored connections.servers[1]`))).toBe(true);
        expect(lines.join('\n')).toContain(field);
      });
    }
  }

  it('drops a wrong item of a list and keeps the others', async () => {
    const { store, lines } = await loadSettings({ [SERVERS]: [{ ...validServer, members: ['10.0.0.2', { ip: 1 }, '10.0.0.3'] }] });
    expect(await store.get(SERVERS)).toEqual([{ ...validServer, members: ['10.0.0.2', '10.0.0.3'] }]);
    expect(lines).toEqual([expect.stringContaining('connections.servers[0].members[1]')]);
  });
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('FileCertificateStore', () => {
  it('remembers a pinned fingerprint per host until it is deleted', async () => {
    const store = new FileCertificateStore(dir);
    await store.set('10.0.0.1', 'AA:BB');
    await store.set('10.0.0.2', 'CC:DD');
    expect(await new FileCertificateStore(dir).get('10.0.0.1')).toBe('AA:BB');
    await store.delete('10.0.0.1');
    const reopened = new FileCertificateStore(dir);
    expect(await reopened.get('10.0.0.1')).toBeUndefined();
    expect(await reopened.get('10.0.0.2')).toBe('CC:DD');
  });

  it('does not mistake inherited object keys for hosts', async () => {
    expect(await new FileCertificateStore(dir).get('constructor')).toBeUndefined();
  });

  for (const wrong of refused(certificatesSchema.valueType)) {
    it(`drops a pin that is ${describeValue(wrong)} with a log line and keeps the others`, async () => {
      await writeFile(join(dir, 'certificates.json'), JSON.stringify({ 'a:443': 'AA:BB', 'b:443': wrong }));
      const lines: string[] = [];
      const store = new FileCertificateStore(dir, { log: (l) => lines.push(l) });
      expect(await store.get('b:443')).toBeUndefined();
      expect(await store.get('a:443')).toBe('AA:BB');
      expect(lines).toEqual([expect.stringMatching(/^certificates\.json: ignored b:443 /)]);
    });
  }
});

describe('FileSecretStore', () => {
  it('keeps a password across restarts in a file only the user can read', async () => {
    const store = new FileSecretStore(join(dir, 'state'));
    await store.set('conn-1', 'pw');
    expect(await new FileSecretStore(join(dir, 'state')).get('conn-1')).toBe('pw');
    if (process.platform !== 'win32') {
      expect((await stat(join(dir, 'state', 'secrets.json'))).mode & 0o777).toBe(0o600);
      expect((await stat(join(dir, 'state'))).mode & 0o777).toBe(0o700);
    }
  });

  for (const wrong of refused(secretsSchema.valueType)) {
    it(`drops a saved password that is ${describeValue(wrong)} with a log line and keeps the others`, async () => {
      await writeFile(join(dir, 'secrets.json'), JSON.stringify({ good: 'pw', bad: wrong }));
      const lines: string[] = [];
      const store = new FileSecretStore(dir, { log: (l) => lines.push(l) });
      expect(await store.get('bad')).toBeUndefined();
      expect(await store.get('good')).toBe('pw');
      expect(lines).toEqual([expect.stringMatching(/^secrets\.json: ignored bad /)]);
    });
  }

  it('forgets a deleted password and says it is a user file', async () => {
    const store = new FileSecretStore(dir);
    expect(store.kind).toBe('user-file');
    await store.set('conn-1', 'pw');
    await store.delete('conn-1');
    expect(await new FileSecretStore(dir).get('conn-1')).toBeUndefined();
  });
});
