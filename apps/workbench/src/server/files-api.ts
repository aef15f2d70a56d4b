/**
 * `GET /api/files/<root>/<path>`: read-only access to the folders in `file-roots.ts`, for the
 * browser kernel's file loaders (`kernel/browser/http-files.ts`). A file comes back as bytes with
 * its sha256 (`X-WB-SHA256`, for the run record); a folder as JSON `{ entries: [{ name, kind }] }`;
 * either says which it is in `X-WB-Kind` (HEAD answers only that). Paths that leave their root —
 * `..`, or a symbolic link pointing out — are refused. Like every route, it needs the access token.
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { Router, type Request, type Response } from 'express';
import { FileHasher } from '../kernel/file-hash.js';
import { ContentsError } from './contents.js';
import type { FileRoots } from './file-roots.js';

const inside = (root: string, path: string) => path === root || path.startsWith(root + sep);

/** Where a request may read: `parts` below `root`, with every real path (symbolic links followed) inside `confine`. */
export interface ConfinedRead {
  root: string;
  /** The folder real paths must stay in: `root`, or a folder above it whose links `root` follows (a hub snapshot's blobs). */
  confine: string;
  parts: string[];
  /** The path as the person asked for it, for messages. */
  shown: string;
  /** What the folder is, in messages ("the models folder"). */
  what: string;
}

/**
 * Answers a GET or HEAD of one file or folder, refusing what leaves `confine`: a file as bytes with
 * its sha256, a folder as a listing, `X-WB-Kind` saying which. Shared by `/api/files` and the hub
 * route (`hub-api.ts`).
 */
export function serveConfined(req: Request, res: Response, read: ConfinedRead, hasher: FileHasher): void {
  const { root, confine, parts, shown, what } = read;
  const target = resolve(root, ...parts);
  if (!inside(root, target)) throw new ContentsError(403, `${shown}: outside ${what}`);
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    throw new ContentsError(404, `${shown}: no such file or folder`);
  }
  if (!inside(realpathSync(confine), real)) throw new ContentsError(403, `${shown}: leads outside ${what}`);
  const stat = statSync(real);
  if (stat.isDirectory()) {
    res.set('X-WB-Kind', 'folder');
    if (req.method === 'HEAD') return void res.end();
    const entries = readdirSync(real, { withFileTypes: true }).map((e) => {
      let kind: 'file' | 'folder' = e.isDirectory() ? 'folder' : 'file';
      if (e.isSymbolicLink()) kind = statSync(resolve(real, e.name), { throwIfNoEntry: false })?.isDirectory() ? 'folder' : 'file';
      return { name: e.name, kind };
    });
    return void res.json({ path: relative(root, real).split(sep).join('/'), entries });
  }
  res.set({
    'X-WB-Kind': 'file',
    // Bytes, never a page: nothing served from these folders can run in the workbench's origin.
    'Content-Type': 'application/octet-stream',
    'Content-Security-Policy': 'sandbox',
  });
  if (req.method === 'HEAD') return void res.set('Content-Length', String(stat.size)).end();
  const hash = hasher.hash(real);
  if (hash) res.set('X-WB-SHA256', hash.sha256);
  res.sendFile(real);
}

export function filesApi(roots: FileRoots): Router {
  const hasher = new FileHasher();
  const router = Router();
  router.get('/files/:root{/*path}', (req, res) => {
    const rootName = String(req.params.root);
    // Own keys only: "constructor" or "__proto__" is no root (and no stack trace in the log).
    const root = Object.hasOwn(roots, rootName) ? (roots as Record<string, string>)[rootName] : undefined;
    if (!root) throw new ContentsError(404, `no file root "${rootName}" (there are ${Object.keys(roots).join(', ')})`);
    const parts = (req.params as { path?: string[] }).path ?? [];
    serveConfined(req, res, { root, confine: root, parts, shown: [rootName, ...parts].join('/'), what: `the ${rootName} folder` }, hasher);
  });
  return router;
}
