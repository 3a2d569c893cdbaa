/**
 * The backend starting on a state folder damaged every way at once: each store drops what has the wrong
 * shape (with a log line naming the file and the value), sets aside a file that is not JSON, and the
 * backend starts with the rest. The window then lists the servers that survived.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ConnectionInfo } from '../../../shared/bridge';
import { createAppBackend } from '../app-backend';
import { createConnectionService } from '../connection-service';
import { FileCertificateStore } from './file-certificate-store';
import { FileSecretStore } from './file-secret-store';
import { FileSettingsStore } from './file-settings-store';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xendeck-damaged-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('starts with every wrong-shaped value dropped and said, and what is valid loaded', async () => {
  // Addresses nobody answers at (port 9 on loopback): the servers stay listed, retrying.
  await writeFile(join(dir, 'settings.json'), JSON.stringify({
    'connections.servers': [
      { id: 'ok', address: '127.0.0.1:9', user: 'root', label: 'Good pool', hidden: true },
      { id: 'bad-label', address: '127.0.0.2:9', user: 'root', label: { text: 'an object' }, hidden: true },
      { id: 'bad-address', address: 42, user: 'root', label: 'No address' },
      'not a server',
    ],
    'connections.hiddenDemos': 7,
    'connections.maxReplyMegabytes': 'lots',
  }));
  await writeFile(join(dir, 'certificates.json'), JSON.stringify({ '127.0.0.1:9': 'AB:CD', '127.0.0.2:9': { fingerprint: 'AB' } }));
  await writeFile(join(dir, 'secrets.json'), '{"connection-password:ok": "pw", trunc');

  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  const backend = await createAppBackend({
    mode: 'browser',
    version: 'test',
    stateDir: dir,
    secrets: new FileSecretStore(dir, { log }),
    certificates: new FileCertificateStore(dir, { log }),
    settings: new FileSettingsStore(dir, { log }),
    shell: { openExternal: async () => undefined },
    createConnections: createConnectionService,
    isPageOrigin: () => false,
    demo: false,
    log,
  });
  try {
    const list = (await backend.request('connections.list', undefined, backend.openCaller())) as ConnectionInfo[];
    expect(list.map((c) => [c.id, c.label])).toEqual([['ok', 'Good pool'], ['bad-label', '127.0.0.2:9']]);
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/^settings\.json: ignored connections\.servers\[1\]\.label \(.*expected string, received object\)/),
      expect.stringMatching(/^settings\.json: ignored connections\.servers\[2\]/),
      expect.stringMatching(/^settings\.json: ignored connections\.servers\[3\]/),
      expect.stringMatching(/^settings\.json: ignored connections\.hiddenDemos /),
      expect.stringMatching(/^settings\.json: ignored connections\.maxReplyMegabytes /),
      expect.stringMatching(/secrets\.json could not be read \(.*\): it was moved to .*secrets\.json\.corrupt-\d+ and XenDeck started without its saved passwords$/),
    ]));
    // Pins are read when a server is contacted; the wrong one is dropped then, the good one kept.
    const pins = new FileCertificateStore(dir, { log });
    expect(await pins.get('127.0.0.1:9')).toBe('AB:CD');
    expect(await pins.get('127.0.0.2:9')).toBeUndefined();
    expect(lines).toContainEqual(expect.stringMatching(/^certificates\.json: ignored 127\.0\.0\.2:9 /));
    expect((await readdir(dir)).filter((n) => n.startsWith('secrets.json.corrupt-'))).toHaveLength(1);
  } finally {
    await backend.dispose();
  }
});
