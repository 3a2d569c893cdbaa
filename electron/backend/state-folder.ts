/**
 * The state folder as one backend owns it: taken before anything in it is read, released on dispose.
 *
 *  - One backend per folder. Two would each keep their own copy of the saved servers and overwrite the
 *    other's. `xendeck.lock` holds the owner's pid; a second backend is refused with a message naming
 *    it. A lock left by a process that died (a crash, a kill -9) is taken over. Electron adds its own
 *    single-instance lock on top (a second launch focuses the first window); browser mode and anything
 *    else pointed at the same folder (XENDECK_STATE_DIR) meet this one.
 *  - Only the user may read it: the folder is 0700 and our files 0600, including folders and files made
 *    by older versions (0755 / 0644).
 *  - Temporary files of writes interrupted by a crash (`settings.json.<pid>.tmp`) are removed: once the
 *    lock is ours, no other process is writing them.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { TEMP_FILE } from './stores/json-file';

export const LOCK_FILE = 'xendeck.lock';

/** The files our stores write, made 0600 at start if an older version left them wider. */
const OWN_FILES = ['settings.json', 'certificates.json', 'secrets.json', 'secrets.os.json'];

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

/** Another live process owns the folder. */
export class StateFolderInUseError extends Error {
  readonly code = 'STATE_FOLDER_IN_USE';
  constructor(readonly folder: string, readonly owner: LockOwner) {
    const where = owner.host && owner.host !== hostname() ? ` on ${owner.host}` : '';
    super(
      `Another XenDeck (process ${owner.pid}${where}, since ${owner.since || 'an unknown time'}) is using the state folder ${folder}. ` +
        'Close it first, or start this one with another folder (--state-dir or XENDECK_STATE_DIR). ' +
        `If no such process runs, delete ${join(folder, LOCK_FILE)}.`,
    );
  }
}

export interface StateFolder {
  readonly path: string;
  /** Gives the folder up (removes the lock if it is still ours). */
  release(): Promise<void>;
}

export interface OpenStateFolderOptions {
  log?: (line: string) => void;
}

/**
 * Creates or repairs the folder, takes its lock (throws StateFolderInUseError when a live process holds
 * it) and cleans what interrupted writes left. Call before any store reads from the folder.
 */
export async function openStateFolder(path: string, options: OpenStateFolderOptions = {}): Promise<StateFolder> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  await restrict(path, 0o700, options);
  const lockPath = join(path, LOCK_FILE);
  const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  await takeLock(lockPath, owner, path, options);

  // The lock is taken: on a normal exit without dispose (Ctrl+C in a script, process.exit) it still goes.
  const onExit = () => removeLockSync(lockPath, owner);
  process.once('exit', onExit);

  for (const name of await readdir(path)) {
    if (TEMP_FILE.test(name)) {
      await unlink(join(path, name)).catch(() => undefined);
      options.log?.(`removed ${name}, left in ${path} by an interrupted write`);
    } else if (OWN_FILES.includes(name)) await restrict(join(path, name), 0o600, options);
  }

  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      process.removeListener('exit', onExit);
      removeLockSync(lockPath, owner);
    },
  };
}

async function takeLock(lockPath: string, owner: LockOwner, folder: string, options: OpenStateFolderOptions): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createLock(lockPath, owner)) return;
    const holder = await readOwner(lockPath);
    if (holder === 'gone') continue; // released meanwhile: try again
    if (holder === 'being-written') {
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    if (holder !== 'unreadable' && isAlive(holder)) throw new StateFolderInUseError(folder, holder);
    // A dead owner's lock (or one cut short by a crash while written): move it out of the way under a
    // name of our own, so two backends taking over the same stale lock cannot both succeed. Whoever
    // moved it checks it is the stale one it judged; a live lock moved by mistake is put back.
    const aside = `${lockPath}.stale-${process.pid}`;
    try {
      await rename(lockPath, aside);
    } catch {
      continue; // someone else moved or replaced it first
    }
    const moved = await readOwner(aside);
    if (typeof moved === 'object' && isAlive(moved)) {
      await rename(aside, lockPath).catch(() => undefined);
      throw new StateFolderInUseError(folder, moved);
    }
    await unlink(aside).catch(() => undefined);
    const was = holder === 'unreadable' ? 'an unreadable lock' : `the lock of process ${holder.pid}, which no longer runs`;
    options.log?.(`took over ${was} in ${folder}`);
  }
  const holder = await readOwner(lockPath);
  throw typeof holder === 'object' ? new StateFolderInUseError(folder, holder) : new Error(`Could not take the lock ${lockPath}: it keeps changing`);
}

/** Creates the lock file if there is none (atomically); false when one exists. */
function createLock(lockPath: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, `${JSON.stringify(owner)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

async function readOwner(lockPath: string): Promise<LockOwner | 'gone' | 'unreadable' | 'being-written'> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'unreadable';
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid) || parsed.pid <= 0) return 'unreadable';
    return { pid: parsed.pid, host: typeof parsed.host === 'string' ? parsed.host : '', since: typeof parsed.since === 'string' ? parsed.since : '' };
  } catch {
    // Created and not filled yet, or by a process killed in between: give it a moment before calling it stale.
    return Date.now() - (await stat(lockPath).then((s) => s.mtimeMs, () => 0)) < 2_000 ? 'being-written' : 'unreadable';
  }
}

/** Whether the lock's owner still runs. A lock from another machine (a shared home folder) is taken as live. */
function isAlive(owner: LockOwner): boolean {
  if (owner.host && owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeLockSync(lockPath: string, owner: LockOwner): void {
  try {
    const current = JSON.parse(readFileSync(lockPath, 'utf8')) as Partial<LockOwner>;
    if (current.pid === owner.pid && current.since === owner.since) unlinkSync(lockPath);
  } catch {
    // Already gone, or no longer ours.
  }
}

async function restrict(path: string, mode: number, options: OpenStateFolderOptions): Promise<void> {
  if (process.platform === 'win32') return;
  const current = (await stat(path)).mode & 0o777;
  if ((current & ~mode) === 0) return;
  await chmod(path, mode);
  options.log?.(`${path} was readable by others (mode ${current.toString(8)}); it is now ${mode.toString(8)}`);
}
