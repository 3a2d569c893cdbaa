import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeSafeStorage } from './testing/fake-safe-storage';

const fake = vi.hoisted(() => ({ safeStorage: undefined as unknown as ReturnType<typeof createFakeSafeStorage> }));
vi.mock('electron', () => ({ safeStorage: new Proxy({}, { get: (_t, p) => Reflect.get(fake.safeStorage, p) }) }));

const { SafeStorageSecretStore, chooseSecretStore } = await import('./safe-storage-secret-store');

let dir: string;
beforeEach(async () => {
  fake.safeStorage = createFakeSafeStorage();
  dir = await mkdtemp(join(tmpdir(), 'xendeck-secrets-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SafeStorageSecretStore', () => {
  it('keeps a password across restarts without writing it in clear', async () => {
    await new SafeStorageSecretStore(dir).set('conn-1', 'hunter2-secret');
    const onDisk = await readFile(join(dir, 'secrets.os.json'), 'utf8');
    expect(onDisk).not.toContain('hunter2-secret');
    expect(await new SafeStorageSecretStore(dir).get('conn-1')).toBe('hunter2-secret');
  });

  it('writes the ciphertext file readable by the user only', async () => {
    await new SafeStorageSecretStore(dir).set('conn-1', 'x');
    if (process.platform !== 'win32') expect((await stat(join(dir, 'secrets.os.json'))).mode & 0o777).toBe(0o600);
  });

  it('forgets a deleted password', async () => {
    const store = new SafeStorageSecretStore(dir);
    await store.set('a', '1');
    await store.set('b', '2');
    await store.delete('a');
    const reopened = new SafeStorageSecretStore(dir);
    expect(await reopened.get('a')).toBeUndefined();
    expect(await reopened.get('b')).toBe('2');
  });

  it('re-encrypts a value when the OS reports a rotated key', async () => {
    const store = new SafeStorageSecretStore(dir);
    await store.set('a', 'pw');
    const before = await readFile(join(dir, 'secrets.os.json'), 'utf8');
    fake.safeStorage.rotateKey();
    expect(await store.get('a')).toBe('pw');
    expect(await readFile(join(dir, 'secrets.os.json'), 'utf8')).not.toBe(before);
    expect(await new SafeStorageSecretStore(dir).get('a')).toBe('pw');
  });

  it('reads a damaged file as far as it can: a value of the wrong type or that does not decrypt is ignored and said', async () => {
    await new SafeStorageSecretStore(dir).set('good', 'pw');
    const doc = JSON.parse(await readFile(join(dir, 'secrets.os.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, 'secrets.os.json'), JSON.stringify({ ...doc, number: 12, garbage: Buffer.from('not ciphertext').toString('base64') }));
    const lines: string[] = [];
    const store = new SafeStorageSecretStore(dir, { log: (l) => lines.push(l) });
    expect(await store.get('good')).toBe('pw');
    expect(await store.get('number')).toBeUndefined();
    expect(await store.get('garbage')).toBeUndefined();
    expect(lines).toEqual([
      expect.stringMatching(/^secrets\.os\.json: ignored number \(.*expected string, received number\)/),
      expect.stringMatching(/^secrets\.os\.json: the saved password garbage could not be decrypted/),
    ]);
  });

  it('says it is the OS keychain', () => {
    expect(new SafeStorageSecretStore(dir).kind).toBe('os-keychain');
  });
});

describe('chooseSecretStore', () => {
  it('uses the OS keychain when one is available', async () => {
    expect((await chooseSecretStore(dir)).kind).toBe('os-keychain');
  });

  it('falls back to the user-only file when safeStorage is unavailable', async () => {
    fake.safeStorage.available = false;
    expect((await chooseSecretStore(dir)).kind).toBe('user-file');
  });

  it.runIf(process.platform === 'linux')('does not call the hard-coded basic_text key on Linux a keychain', async () => {
    fake.safeStorage.backend = 'basic_text';
    expect((await chooseSecretStore(dir)).kind).toBe('user-file');
  });
});
