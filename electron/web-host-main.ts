/**
 * Browser mode entry (`npm run start:browser`, the `npm start` fallback, the e2e global setup):
 * the same backend as the Electron app, with file-backed stores in the per-user state folder,
 * served by web-host.ts. Prints the URL to open, with its token.
 *
 *   web-host-main [--port N] [--state-dir DIR] [--renderer-dir DIR] [--no-demo] [--json]
 *
 * --json prints one machine-readable line `{"url":…,"origin":…,"token":…,"stateDir":…,"demo":…}` for scripts and
 * tests; `demo` (or null) lists the embedded pools with this run's credentials (a random password per run), the
 * simulator's control URLs and its control token.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import packageJson from '../package.json';
import { bridgeError } from '../shared/bridge';
import { createAppBackend } from './backend/app-backend';
import { createConnectionService } from './backend/connection-service';
import { browserModeStateDir } from './backend/state-dir';
import { FileCertificateStore } from './backend/stores/file-certificate-store';
import { FileSecretStore } from './backend/stores/file-secret-store';
import { FileSettingsStore } from './backend/stores/file-settings-store';
import { startWebHost } from './web-host';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'state-dir': { type: 'string' },
    'renderer-dir': { type: 'string' },
    'no-demo': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

/** dist/renderer, found from this file whether it runs from source (electron/) or from its bundle (dist/web-host/). */
function defaultRendererDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', 'renderer'), join(here, '..', 'dist', 'renderer')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[1];
}

async function main(): Promise<void> {
  const stateDir = resolve(values['state-dir'] ?? browserModeStateDir());
  const rendererDir = resolve(values['renderer-dir'] ?? defaultRendererDir());
  if (!existsSync(join(rendererDir, 'index.html'))) throw new Error(`No built renderer in ${rendererDir}: run npm run build first`);
  const log = (line: string) => console.error(`[xendeck] ${line}`);

  let pageOrigin = '';
  const backend = await createAppBackend({
    mode: 'browser',
    version: packageJson.version,
    stateDir,
    secrets: new FileSecretStore(stateDir, { log }),
    certificates: new FileCertificateStore(stateDir, { log }),
    settings: new FileSettingsStore(stateDir, { log }),
    // The page opens links itself in browser mode (renderer/ws-bridge.ts); the host has no browser to drive.
    shell: {
      openExternal: async (url) => {
        throw bridgeError('EXTERNAL_URL_REFUSED', [url], 'Links open in the browser tab in browser mode');
      },
    },
    createConnections: createConnectionService,
    isPageOrigin: (origin) => origin !== undefined && origin === pageOrigin,
    demo: !values['no-demo'],
    log,
  });
  const host = await startWebHost({ backend, rendererDir, port: Number(values.port), consoleTunnelPort: backend.consoleTunnelPort, log });
  pageOrigin = host.origin;

  if (values.json) {
    const demo = backend.demo ? { pools: backend.demo.pools, controlUrls: backend.demo.controlUrls, controlToken: backend.demo.controlToken } : null;
    console.log(JSON.stringify({ url: host.url, origin: host.origin, token: host.token, stateDir, demo }));
  }
  else console.log(`XenDeck is running in browser mode. Open this address (it includes the access token):\n\n  ${host.url}\n\nState folder: ${stateDir}. Press Ctrl+C to stop.`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void Promise.allSettled([host.close(), backend.dispose()]).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`XenDeck browser mode could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
