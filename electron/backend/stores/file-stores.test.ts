import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileCertificateStore } from './file-certificate-store';
import { FileSecretStore } from './file-secret-store';
import { FileSettingsStore } from './file-settings-store';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xendeck-stores-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileSettingsStore', () => {
  it('keeps saved servers across restarts', async () => {
    const servers = [{ id: 'c1', address: 'xen1.example.com', user: 'root' }];
    await new FileSettingsStore(dir).set('servers', servers);
    expect(await new FileSettingsStore(dir).get('servers')).toEqual(servers);
  });

  it('returns nothing for a key never set, and removes a key set to undefined', async () => {
    const store = new FileSettingsStore(dir);
    expect(await store.get('missing')).toBeUndefined();
    await store.set('theme', 'dark');
    await store.set('theme', undefined);
    expect(await new FileSettingsStore(dir).get('theme')).toBeUndefined();
  });

  it('does not let a caller change the stored value by mutating what it read', async () => {
    const store = new FileSettingsStore(dir);
    await store.set('pins', ['a']);
    (await store.get<string[]>('pins'))!.push('b');
    expect(await store.get('pins')).toEqual(['a']);
  });

  it('lands every write of a burst, in order', async () => {
    const store = new FileSettingsStore(dir);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`k${i}`, i)));
    await store.set('k0', 'last');
    const reopened = new FileSettingsStore(dir);
    expect(await reopened.get('k0')).toBe('last');
    expect(await reopened.get('k19')).toBe(19);
  });

  it('moves a corrupt settings file aside and starts empty instead of failing', async () => {
    await writeFile(join(dir, 'settings.json'), '{"servers": [trunc');
    const moved: string[] = [];
    const store = new FileSettingsStore(dir, { onCorrupt: (_p, to) => moved.push(to) });
    expect(await store.get('servers')).toBeUndefined();
    expect(moved).toHaveLength(1);
    expect(await readFile(moved[0], 'utf8')).toBe('{"servers": [trunc');
    await store.set('servers', []);
    expect(await new FileSettingsStore(dir).get('servers')).toEqual([]);
  });

  it('leaves no temporary files behind', async () => {
    const store = new FileSettingsStore(dir);
    await store.set('a', 1);
    await store.set('b', 2);
    expect(await readdir(dir)).toEqual(['settings.json']);
  });
});

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

  it('forgets a deleted password and says it is a user file', async () => {
    const store = new FileSecretStore(dir);
    expect(store.kind).toBe('user-file');
    await store.set('conn-1', 'pw');
    await store.delete('conn-1');
    expect(await new FileSecretStore(dir).get('conn-1')).toBeUndefined();
  });
});
