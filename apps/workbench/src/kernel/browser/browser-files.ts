/**
 * Files as cells in the browser kernel reach them: the workbench server's read-only file routes
 * over HTTP, installed as core's file access (`@wb/core`'s `FileAccess`), so that core's one loader
 * (`loadModel`, `loadBert`, `loadElmo`, … of `load-model.ts`) reads a model folder here exactly as
 * it reads one on disk in Node. What this file adds is where things are, the browser kernel's
 * `@wb/workbench/data` (the Node kernel's is `../../data.ts`):
 * `sharedPath('fixtures', 'tiny-bert')` is `/api/files/shared/fixtures/tiny-bert`,
 * `shippedModelPath('bert-mini')` is `/api/files/models/bert-mini`, and a relative path starts
 * from the notebook's folder (`/api/files/notebooks/…`), as it does in the Node kernel. So
 * `fetch(sharedPath(...))` works too. A hub id (`loadModel('org/name', { revision })`) goes to
 * the server's hub route (`hub-files.ts`), as it goes to the hub cache in Node.
 */
import { isHubId, useFileAccess, type FileAccess, type ModelFiles } from '@wb/core';
import { decodeUtf8 } from '@wb/tasks';
import { withHdf5Bytes } from './hdf5.js';
import { openHubModel, openHubModelSync } from './hub-files.js';
import { httpFiles, type FileRead } from './http-files.js';

export const FILES_ROOT = '/api/files';

const segments = (parts: string[]) => parts.flatMap((p) => String(p).split('/')).filter((s) => s && s !== '.');

/** Where this kernel reads from, and what it tells the run record. */
export interface BrowserFileAccess {
  /** The notebook's path in the served folder (relative paths start from its folder). */
  notebookPath: string;
  onRead(read: FileRead): void;
  /** The page's XSRF token, for the hub route (which may download). */
  xsrfToken?: string;
}

/** The folders `installBrowserFiles` serves (one install per kernel worker). */
let servedFolder: ((path: string) => ModelFiles) | undefined;

/**
 * A file's text, strictly UTF-8, read through the server's file routes: this kernel's
 * `readTextFile`, under which its path readers (`readSst2(sharedPath('data', 'sst2', 'dev.tsv'))`, ...)
 * read as they do in Node.
 */
export function readServedText(path: string): string {
  if (!servedFolder) throw new Error('the browser kernel reads files only once its file access is installed');
  const slash = path.lastIndexOf('/');
  const folder = slash < 0 ? '.' : path.slice(0, slash);
  return decodeUtf8(servedFolder(folder).bytes(path.slice(slash + 1)), path);
}

/** `@wb/workbench/data` in this kernel: the names of the Node kernel's, giving URL paths. */
export type BrowserData = typeof import('../../data.js');

/** Installs the HTTP file access for core's loaders and returns this kernel's `@wb/workbench/data`. */
export function installBrowserFiles(access: BrowserFileAccess): BrowserData {
  const notebookDir = () => access.notebookPath.split('/').slice(0, -1);
  const url = (root: string, parts: string[]) => [FILES_ROOT, root, ...segments(parts)].map((s, i) => (i < 2 ? s : encodeURIComponent(s))).join('/');

  /** A path as cells give it → the URL path of the folder. */
  const locate = (path: string): string => {
    if (typeof path !== 'string' || path === '') throw new TypeError(`expected a folder path, got ${JSON.stringify(path)}`);
    if (path.startsWith(`${FILES_ROOT}/`)) return path.replace(/\/+$/, '');
    if (/^https?:\/\//.test(path)) {
      const parsed = new URL(path);
      if (parsed.origin === self.location.origin && parsed.pathname.startsWith(`${FILES_ROOT}/`)) return parsed.pathname.replace(/\/+$/, '');
    } else if (!path.startsWith('/')) {
      // Relative to the notebook's folder; '..' past the served folder is refused by the server.
      const root = `${FILES_ROOT}/notebooks`;
      const resolved = new URL(path, new URL(`${url('notebooks', notebookDir())}/`, self.location.origin)).pathname.replace(/\/+$/, '');
      if (resolved !== root && !resolved.startsWith(`${root}/`)) {
        throw new Error(`"${path}" leads outside the folder the workbench serves; the browser kernel reads relative paths only inside it (use sharedPath(...) for the shared data)`);
      }
      return resolved;
    }
    throw new Error(
      `"${path}" is not a path the browser kernel can read: it reads, through the workbench server, the shared data ` +
        `(sharedPath(...)), the shipped models (shippedModelPath(...)) and paths relative to the notebook's folder. ` +
        `Switch the notebook to the Node kernel to read other files.`,
    );
  };
  const files = (path: string) => httpFiles(locate(path), (read) => access.onRead(read));
  servedFolder = files;
  /** As in Node, a hub id is a hub model unless a folder of that name exists (here: beside the notebook). */
  const isHubModel = (source: string): boolean => {
    if (!isHubId(source)) return false;
    try {
      return files(source).kind('') === undefined;
    } catch {
      return true;
    }
  };
  const hub = (revision?: string) => ({ revision, xsrfToken: access.xsrfToken, onRead: (read: FileRead) => access.onRead(read) });

  const fileAccess: FileAccess = {
    open: async (source, options = {}) => (isHubModel(source) ? openHubModel(source, hub(options.revision)) : files(source)),
    openSync: (source) => (isHubModel(source) ? openHubModelSync(source, hub()) : files(source)),
    readHdf5: (folder, name, read) => withHdf5Bytes(folder.bytes(name), folder.path(name), read),
  };
  useFileAccess(fileAccess);

  return {
    sharedDir: () => `${FILES_ROOT}/shared`,
    modelsDir: () => `${FILES_ROOT}/models`,
    sharedPath: (...parts: string[]) => url('shared', parts),
    shippedModelPath(name: string): string {
      const path = url('models', [name]);
      if (!files(path).kind('')) throw new Error(`${path}: no such shipped model (the repository's models/ folder has the ones that ship)`);
      return path;
    },
  };
}
