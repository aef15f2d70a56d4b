/**
 * The notebooks folder: list, open, save, create and rename `.ipynb` files inside it, and
 * nothing outside it (`..`, absolute paths and symlinks that lead out are refused). Saves are
 * atomic (a temporary file, then rename) and keep a checkpoint copy in `.ipynb_checkpoints/`
 * as Jupyter does: written on an explicit save, and before the first save that replaces a file
 * that has none, so the version a session started from can always be recovered.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { parseNotebook, serializeNotebook } from '../notebook/io.js';
import { emptyNotebook } from '../notebook/new.js';
import type { Notebook } from '../notebook/types.js';
import { validateNotebook } from '../notebook/validate.js';

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

  /** The absolute path of `path` (relative to the root), refusing anything that leaves it. */
  resolve(path: string): string {
    if (typeof path !== 'string' || path.includes('\0')) throw new ContentsError(400, 'a path is required');
    const clean = path.replace(/\\/g, '/').replace(/^\/+/, '');
    const absolute = resolve(this.root, clean);
    const inside = (p: string) => p === this.root || p.startsWith(this.root + sep);
    if (!inside(absolute)) throw new ContentsError(403, `${path}: outside the notebooks folder`);
    if (clean.split('/').some((part) => part.startsWith('.') && part !== '.')) throw new ContentsError(403, `${path}: hidden files are not served`);
    // Follow symlinks of whatever exists of the path.
    let existing = absolute;
    while (!existsSync(existing)) existing = dirname(existing);
    if (!inside(realpathSync(existing))) throw new ContentsError(403, `${path}: outside the notebooks folder`);
    return absolute;
  }

  relative(absolute: string): string {
    return relative(this.root, absolute).split(sep).join('/');
  }

  private notebookPath(path: string): string {
    const absolute = this.resolve(path);
    if (extname(absolute) !== '.ipynb') throw new ContentsError(400, `${path}: not a notebook (.ipynb)`);
    return absolute;
  }

  list(dir = ''): Entry[] {
    const absolute = this.resolve(dir);
    if (!existsSync(absolute) || !statSync(absolute).isDirectory()) throw new ContentsError(404, `${dir || '/'}: no such folder`);
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

  private checkpointPath(absolute: string): string {
    return join(dirname(absolute), '.ipynb_checkpoints', `${basename(absolute, '.ipynb')}-checkpoint.ipynb`);
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
    copyFileSync(absolute, target + '.tmp');
    renameSync(target + '.tmp', target);
  }

  /** Replaces the notebook by its checkpoint. */
  revert(path: string): { notebook: Notebook; mtime: number } {
    const absolute = this.notebookPath(path);
    const source = this.checkpointPath(absolute);
    if (!existsSync(source)) throw new ContentsError(404, `${path}: has no checkpoint`);
    copyFileSync(source, absolute + '.tmp');
    renameSync(absolute + '.tmp', absolute);
    return this.read(path);
  }

  /**
   * Saves atomically. `expectedMtime` (the mtime the client loaded) guards against overwriting
   * a file that changed on disk meanwhile (409). `checkpoint` also updates the checkpoint.
   */
  save(path: string, notebook: unknown, options: { expectedMtime?: number; checkpoint?: boolean } = {}): { mtime: number } {
    const absolute = this.notebookPath(path);
    try {
      validateNotebook(notebook, path);
    } catch (e) {
      throw new ContentsError(422, (e as Error).message);
    }
    const text = serializeNotebook(parseNotebook(JSON.stringify(notebook), path));
    const exists = existsSync(absolute);
    if (exists && options.expectedMtime !== undefined && Math.abs(statSync(absolute).mtimeMs - options.expectedMtime) > 1) {
      throw new ContentsError(409, `${path} changed on disk since it was opened`);
    }
    if (!existsSync(dirname(absolute))) throw new ContentsError(404, `${dirname(path)}: no such folder`);
    if (exists && !existsSync(this.checkpointPath(absolute))) this.checkpoint(path);
    const temp = join(dirname(absolute), `.${basename(absolute)}.${process.pid}.${Date.now()}.tmp`);
    writeFileSync(temp, text);
    renameSync(temp, absolute);
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
