/**
 * Browser mode as `npm run start:browser` builds it (the real backend with file stores in a temporary state
 * folder, optionally the embedded demo simulator, the web host on 127.0.0.1), in this process, for the
 * hostile-input suite, the Bridge's reach tests and the `hostile` bench. The renderer folder holds a stand-in
 * index.html: what is attacked here is the host, not the interface.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppBackend, type AppBackend } from '../backend/app-backend';
import { createConnectionService } from '../backend/connection-service';
import { FileCertificateStore } from '../backend/stores/file-certificate-store';
import { FileSecretStore } from '../backend/stores/file-secret-store';
import { FileSettingsStore } from '../backend/stores/file-settings-store';
import { startWebHost, type WebHost } from '../web-host';

export const INDEX_HTML = '<!doctype html><title>XenDeck</title>';

export interface AppUnderAttack {
  backend: AppBackend;
  host: WebHost;
  stateDir: string;
  /** Lines the backend and the host logged (a handler that failed shows here). */
  log: string[];
  stop(): Promise<void>;
}

export async function startAppUnderAttack(options: { demo: boolean }): Promise<AppUnderAttack> {
  const dir = await mkdtemp(join(tmpdir(), 'xendeck-hostile-'));
  const stateDir = join(dir, 'state');
  const rendererDir = join(dir, 'renderer');
  await mkdir(rendererDir, { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), INDEX_HTML);
  const log: string[] = [];
  let pageOrigin = '';
  const backend = await createAppBackend({
    mode: 'browser',
    version: '0.0.0-hostile',
    stateDir,
    secrets: new FileSecretStore(stateDir),
    certificates: new FileCertificateStore(stateDir),
    settings: new FileSettingsStore(stateDir),
    shell: { openExternal: async () => undefined },
    createConnections: createConnectionService,
    isPageOrigin: (origin) => origin === pageOrigin,
    demo: options.demo,
    log: (line) => log.push(line),
  });
  const host = await startWebHost({ backend, rendererDir, consoleTunnelPort: backend.consoleTunnelPort, log: (line) => log.push(line) });
  pageOrigin = host.origin;
  return {
    backend,
    host,
    stateDir,
    log,
    async stop() {
      await host.close();
      await backend.dispose();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
