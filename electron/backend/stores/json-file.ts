/**
 * A small JSON document on disk, read once and written atomically (temporary file + rename), so a
 * crash mid-write never leaves half a file. Writes are serialized: two `set` calls in a row land
 * in order. A file that cannot be parsed is moved aside as `<name>.corrupt-<time>` and replaced by an
 * empty document instead of stopping the app (Podman Desktop's safe-storage registry does the same).
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface JsonFileOptions {
  /** File mode for the document (0o600 for secrets). The folder is created 0o700. */
  mode?: number;
  /** Called when a corrupt file was moved aside (the app logs it). */
  onCorrupt?: (path: string, movedTo: string, error: unknown) => void;
}

export class JsonFile<T extends object> {
  private data: Promise<T> | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly empty: () => T,
    private readonly options: JsonFileOptions = {},
  ) {}

  /** The current document (loaded on first use). Treat it as read-only; change it through `update`. */
  read(): Promise<T> {
    this.data ??= this.load();
    return this.data;
  }

  /** Applies `change` to the document and writes it; resolves once the file is on disk. */
  async update(change: (doc: T) => T): Promise<void> {
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

  private async load(): Promise<T> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return this.empty();
      throw err;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
      return parsed as T;
    } catch (err) {
      const movedTo = `${this.path}.corrupt-${Date.now()}`;
      await rename(this.path, movedTo);
      this.options.onCorrupt?.(this.path, movedTo, err);
      return this.empty();
    }
  }

  private async write(doc: T): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const mode = this.options.mode ?? 0o644;
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(doc, null, 2)}\n`, { mode });
    // writeFile's mode only applies when it creates the file; enforce it on a leftover temp file too.
    await chmod(tmp, mode);
    await rename(tmp, this.path);
  }
}
