/**
 * The strict stand-in as the `electron` module of a unit test of one main-process module:
 *   vi.mock('electron', async () => (await import('./testing/strict-electron/unit-electron')).standIn.main);
 * and the test imports `standIn` from here to look at what the code asked of Electron (windows, handlers,
 * permissions, protocol registrations). The start-up test runs the whole built app against the same stand-in.
 * Nothing here writes to appData (only the app's main process would), so it is only named, not created.
 */
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadElectronApi } from './electron-api';
import { StrictElectron } from './strict-electron';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export const standIn = new StrictElectron({ api: loadElectronApi(), appRoot: root, appData: join(tmpdir(), 'xendeck-unit-electron-appdata'), isPackaged: false });
