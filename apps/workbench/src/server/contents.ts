/**
 * The notebooks folder: list, open, save, create and rename `.ipynb` files inside it, and
 * nothing outside it (`..`, absolute paths and symlinks that lead out are refused — checkpoint
 * folders and files included). Saves are atomic (a temporary file, then rename; temporary files
 * left by a killed server are removed when their folder is listed or saved to) and keep a
 * checkpoint copy in `.ipynb_checkpoints/` as Jupyter does: written on an explicit save, and
 * before the first save that replaces a file that has none, so the version a session started
 * from can always be recovered.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { removeStaleTempFiles, writeFileAtomic } from '@wb/core/node';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { normaliseNotebook, parseNotebook, serializeNotebook, writeNotebook } from '../notebook/io.js';
import { emptyNotebook } from '../notebook/new.js';
import type { Notebook } from '../notebook/types.js';

export class ContentsError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Entry {
  name: string;
  path: string;
  type: 'directory' | 'notebook';
  mtime: number;
  size: number;
}

export class NotebookStore {
  readonly root: string;

  constructor(root: string) {
    this.root = realpathSync(resolve(root));
  }

  private inside(p: string): boolean {
    return p === this.root || p.startsWith(this.root + sep);
  }

  /** The absolute path of `path` (relative to the root), refusing anything that leaves it. */
  resolve(path: string): string {
    if (typeof path !== 'string' || path.includes('\0')) throw new ContentsError(400, 'a path is required');
    const clean = path.replace(/\\/g, '/').replace(/^\/+/, '');
    const absolute = resolve(this.root, clean);
    if (!this.inside(absolute)) throw new ContentsError(403, `${path}: outside the notebooks folder`);
    if (clean.split('/').some((part) => part.startsWith('.') && part !== '.')) throw new ContentsError(403, `${path}: hidden files are not served`);
    // Follow symlinks of whatever exists of the path.
    let existing = absolute;
    while (!existsSync(existing)) existing = dirname(existing);
    if (!this.inside(realpathSync(existing))) throw new ContentsError(403, `${path}: outside the notebooks folder`);
    return absolute;
  }

  /**
   * Refuses a path the server writes or reads by itself (a checkpoint folder or file: hidden, so
   * never seen by `resolve`) when a symbolic link makes it lead outside the root, or nowhere.
   */
  private confine(absolute: string): void {
    let real: string;
    try {
      real = realpathSync(absolute);
    } catch {
      if (lstatSync(absolute, { throwIfNoEntry: false })?.isSymbolicLink()) {
        throw new ContentsError(403, `${this.relative(absolute)}: a symbolic link to nowhere; checkpoints must stay inside the notebooks folder`);
      }
      return;
    }
    if (!this.inside(real)) throw new ContentsError(403, `${this.relative(absolute)}: leads outside the notebooks folder; checkpoints must stay inside it`);
  }

  relative(absolute: string): string {
    return relative(this.root, absolute).split(sep).join('/');
  }

  private notebookPath(path: string): string {
    const absolute = this.resolve(path);
    if (extname(absolute) !== '.ipynb') throw new ContentsError(400, `${path}: not a notebook (.ipynb)`);
    if (statSync(absolute, { throwIfNoEntry: false })?.isDirectory()) throw new ContentsError(400, `${path}: is a folder, not a notebook`);
    return absolute;
  }

  /** The absolute path of a notebook that exists (for a kernel session, which runs in its folder). */
  existingNotebook(path: string): string {
    if (typeof path !== 'string' || path === '') throw new ContentsError(400, 'a notebook path is required');
    const absolute = this.notebookPath(path);
    if (!existsSync(absolute)) throw new ContentsError(404, `${path}: no such notebook`);
    return absolute;
  }

  list(dir = ''): Entry[] {
    const absolute = this.resolve(dir);
    if (!existsSync(absolute) || !statSync(absolute).isDirectory()) throw new ContentsError(404, `${dir || '/'}: no such folder`);
    removeStaleTempFiles(absolute);
    const entries: Entry[] = [];
    for (const name of readdirSync(absolute)) {
      if (name.startsWith('.')) continue;
      let stat: Stats;
      try {
        stat = statSync(join(absolute, name));
      } catch {
        continue;
      }
      const type = stat.isDirectory() ? 'directory' : extname(name) === '.ipynb' ? 'notebook' : undefined;
      if (type) entries.push({ name, path: this.relative(join(absolute, name)), type, mtime: stat.mtimeMs, size: stat.size });
    }
    return entries.sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'directory' ? -1 : 1));
  }

  read(path: string): { notebook: Notebook; mtime: number } {
    const absolute = this.notebookPath(path);
    if (!existsSync(absolute)) throw new ContentsError(404, `${path}: no such notebook`);
    const text = readFileSync(absolute, 'utf8');
    try {
      return { notebook: parseNotebook(text, path), mtime: statSync(absolute).mtimeMs };
    } catch (e) {
      throw new ContentsError(422, (e as Error).message);
    }
  }

  /** Where a notebook's checkpoint is, confined to the root like every other path (a symlinked `.ipynb_checkpoints` is refused). */
  private checkpointPath(absolute: string): string {
    const folder = join(dirname(absolute), '.ipynb_checkpoints');
    const file = join(folder, `${basename(absolute, '.ipynb')}-checkpoint.ipynb`);
    this.confine(folder);
    this.confine(file);
    return file;
  }

  hasCheckpoint(path: string): boolean {
    return existsSync(this.checkpointPath(this.notebookPath(path)));
  }

  /** Copies the file as it is now to its checkpoint. */
  checkpoint(path: string): void {
    const absolute = this.notebookPath(path);
    if (!existsSync(absolute)) throw new ContentsError(404, `${path}: no such notebook`);
    const target = this.checkpointPath(absolute);
    mkdirSync(dirname(target), { recursive: true });
    writeFileAtomic(target, readFileSync(absolute));
  }

  /** Replaces the notebook by its checkpoint. */
  revert(path: string): { notebook: Notebook; mtime: number } {
    const absolute = this.notebookPath(path);
    const source = this.checkpointPath(absolute);
    if (!existsSync(source)) throw new ContentsError(404, `${path}: has no checkpoint`);
    writeFileAtomic(absolute, readFileSync(source));
    return this.read(path);
  }

  /**
   * Saves atomically. `expectedMtime` (the mtime the client loaded) guards against overwriting
   * a file that changed on disk meanwhile (409). `checkpoint` also updates the checkpoint.
   */
  save(path: string, notebook: unknown, options: { expectedMtime?: number; checkpoint?: boolean } = {}): { mtime: number } {
    const absolute = this.notebookPath(path);
    let normalised: Notebook;
    try {
      // Validated and normalised as parsed by the request: no second copy through its text.
      normalised = normaliseNotebook(notebook, path);
    } catch (e) {
      throw new ContentsError(422, (e as Error).message);
    }
    const exists = existsSync(absolute);
    if (exists && options.expectedMtime !== undefined && Math.abs(statSync(absolute).mtimeMs - options.expectedMtime) > 1) {
      throw new ContentsError(409, `${path} changed on disk since it was opened`);
    }
    if (!existsSync(dirname(absolute))) throw new ContentsError(404, `${dirname(path)}: no such folder`);
    if (exists && !existsSync(this.checkpointPath(absolute))) this.checkpoint(path);
    // Written in pieces as it is serialised: a large notebook's text is never held whole.
    writeFileAtomic(absolute, (write) => writeNotebook(normalised, write));
    if (options.checkpoint) this.checkpoint(path);
    return { mtime: statSync(absolute).mtimeMs };
  }

  /** A new, empty notebook: `Untitled.ipynb`, `Untitled1.ipynb`, … in `dir`. */
  create(dir = '', notebook: Notebook = emptyNotebook()): string {
    const folder = this.resolve(dir);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new ContentsError(404, `${dir}: no such folder`);
    let name = 'Untitled.ipynb';
    for (let i = 1; existsSync(join(folder, name)); i++) name = `Untitled${i}.ipynb`;
    const path = this.relative(join(folder, name));
    writeFileSync(join(folder, name), serializeNotebook(notebook), { flag: 'wx' });
    return path;
  }

  /** Deletes a notebook and its checkpoint. */
  delete(path: string): void {
    const absolute = this.notebookPath(path);
    if (!existsSync(absolute)) throw new ContentsError(404, `${path}: no such notebook`);
    const checkpoint = this.checkpointPath(absolute);
    rmSync(absolute);
    rmSync(checkpoint, { force: true });
  }

  /** A notebook's file as text, whether or not it is a valid notebook ("open as text" for one that is not). */
  readText(path: string): { text: string; mtime: number } {
    const absolute = this.notebookPath(path);
    if (!existsSync(absolute)) throw new ContentsError(404, `${path}: no such notebook`);
    return { text: readFileSync(absolute, 'utf8'), mtime: statSync(absolute).mtimeMs };
  }

  /** Saves a notebook's file as the text given (to repair one that is not valid JSON); `expectedMtime` as in `save`. */
  saveText(path: string, text: unknown, options: { expectedMtime?: number } = {}): { mtime: number } {
    if (typeof text !== 'string') throw new ContentsError(400, 'the text to save is required');
    const absolute = this.notebookPath(path);
    if (!existsSync(absolute)) throw new ContentsError(404, `${path}: no such notebook`);
    if (options.expectedMtime !== undefined && Math.abs(statSync(absolute).mtimeMs - options.expectedMtime) > 1) {
      throw new ContentsError(409, `${path} changed on disk since it was opened`);
    }
    writeFileAtomic(absolute, text);
    return { mtime: statSync(absolute).mtimeMs };
  }

  rename(from: string, to: string): string {
    const source = this.notebookPath(from);
    const target = this.notebookPath(to);
    if (!existsSync(source)) throw new ContentsError(404, `${from}: no such notebook`);
    if (existsSync(target)) throw new ContentsError(409, `${to} already exists`);
    if (!existsSync(dirname(target))) throw new ContentsError(404, `${dirname(to)}: no such folder`);
    renameSync(source, target);
    const checkpoint = this.checkpointPath(source);
    if (existsSync(checkpoint)) {
      mkdirSync(dirname(this.checkpointPath(target)), { recursive: true });
      renameSync(checkpoint, this.checkpointPath(target));
    }
    return this.relative(target);
  }
}
