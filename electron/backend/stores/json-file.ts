/**
 * A small JSON document on disk, read once and written atomically (temporary file, fsync, rename,
 * then the folder synced), so neither a crash mid-write nor a power cut leaves half a file. Writes are
 * serialized: two `set` calls in a row land in order. Files are 0600 in a 0700 folder (the state folder
 * holds pins, saved servers and perhaps passwords: only the user may read it).
 *
 * What is read is checked against the document's zod schema (lenient-parse.ts): a value of the wrong
 * shape is dropped with a log line naming the file and the value, and the rest loads. A file that is
 * not JSON at all is moved aside as `<name>.corrupt-<time>` and the document starts empty, saying so,
 * instead of stopping the app (Podman Desktop's safe-storage registry does the same).
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { z } from 'zod';
import { parseLeniently } from './lenient-parse';

export interface JsonFileOptions {
  /** Where the lines about unreadable files and dropped values go (the app's log). */
  log?: (line: string) => void;
  /** Called when a corrupt file was moved aside. */
  onCorrupt?: (path: string, movedTo: string, error: unknown) => void;
}

/** The options every store takes. */
export type StoreOptions = JsonFileOptions;

/** Temporary files of interrupted writes are `<document>.<pid>.tmp` (state-folder.ts removes them at start). */
export const TEMP_FILE = /\.json\.\d+\.tmp$/;

const FILE_MODE = 0o600;
const FOLDER_MODE = 0o700;

export class JsonFile<S extends z.ZodType<object>> {
  private data: Promise<z.output<S>> | undefined;
  private writing: Promise<void> = Promise.resolve();

  /** `holds` says what the file keeps, for the log line when it had to be set aside ("pinned certificates"). */
  constructor(
    readonly path: string,
    private readonly schema: S,
    private readonly holds: string,
    private readonly options: JsonFileOptions = {},
  ) {}

  /** The current document (loaded on first use). Treat it as read-only; change it through `update`. */
  read(): Promise<z.output<S>> {
    this.data ??= this.load();
    return this.data;
  }

  /** Applies `change` to the document and writes it; resolves once the file is on disk. */
  async update(change: (doc: z.output<S>) => z.output<S>): Promise<void> {
    const previous = this.read();
    const next = previous.then(change);
    // A change that throws leaves the document as it was, rather than poisoning every later read.
    this.data = next.catch(() => previous);
    const doc = await next;
    const write = this.writing.then(() => this.write(doc));
    // A failed write must not block the ones after it; the caller still sees its own failure.
    this.writing = write.catch(() => undefined);
    await write;
  }

  private empty(): z.output<S> {
    return this.schema.parse({});
  }

  private async load(): Promise<z.output<S>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return this.empty();
      throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
    } catch (err) {
      return this.setAside(err);
    }
    const { data, dropped } = parseLeniently(this.schema, parsed);
    const name = basename(this.path);
    for (const { path, problem } of dropped) this.options.log?.(`${name}: ignored ${path} (${problem}); the rest of ${this.path} loaded`);
    return data ?? this.setAside(new Error('no valid content'));
  }

  private async setAside(error: unknown): Promise<z.output<S>> {
    const movedTo = `${this.path}.corrupt-${Date.now()}`;
    await rename(this.path, movedTo);
    const why = error instanceof Error ? error.message : String(error);
    this.options.log?.(`${this.path} could not be read (${why}): it was moved to ${movedTo} and XenDeck started without its ${this.holds}`);
    this.options.onCorrupt?.(this.path, movedTo, error);
    return this.empty();
  }

  private async write(doc: z.output<S>): Promise<void> {
    const folder = dirname(this.path);
    await mkdir(folder, { recursive: true, mode: FOLDER_MODE });
    const tmp = `${this.path}.${process.pid}.tmp`;
    const file = await open(tmp, 'w', FILE_MODE);
    try {
      // open's mode only applies when it creates the file; enforce it on a leftover temp file too.
      if (process.platform !== 'win32') await file.chmod(FILE_MODE);
      await file.writeFile(`${JSON.stringify(doc, null, 2)}\n`);
      // On disk before it replaces the old file: a power cut then leaves the old or the new, never an empty one.
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, this.path);
    await syncFolder(folder);
  }
}

/** Makes a rename in `folder` durable (POSIX; Windows cannot open a folder for syncing). */
async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(folder, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
}
