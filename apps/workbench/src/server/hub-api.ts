/**
 * Hub models for the browser kernel: the server fetches them with core's hub client into its own
 * hub cache (the one `wb pull`, `--model org/name` and the Node kernel use, with the server's
 * HF_TOKEN, which never reaches the page) and serves the snapshot's files read-only.
 *
 *   POST /api/hub/snapshot { id: 'org/name[@rev]', revision?, cached? }
 *        → { repoId, revision, commit, files: '/api/hub/files/models--org--name/{commit}', notices? }
 *        `cached: true` never downloads (the synchronous loaders' cache-only lookup).
 *        503 { error, unavailable: true }: not in the cache, and the hub offline or unreachable.
 *   GET|HEAD /api/hub/files/models--org--name/{commit}/{path}
 *        as `/api/files` (bytes with X-WB-SHA256, folders as listings), confined to the repository's
 *        cache folder: a snapshot's files are links into its blobs/, nothing else is reachable.
 *
 * Like every route, both need the access token; the POST, which can start a download, the XSRF
 * header too (`auth.ts`).
 */
import { join } from 'node:path';
import { Router } from 'express';
import { HubHttpError, hubSettings, isCommitHash, isHubId, isHubModelUnavailable, parseHubId, repoFolderName, snapshotDownload } from '@wb/core/node';
import { FileHasher } from '../kernel/file-hash.js';
import { ContentsError } from './contents.js';
import { serveConfined } from './files-api.js';

export const HUB_FILES_ROOT = '/api/hub/files';

/** `models--org--name` → `org/name`, when it is the cache folder of a valid repo id. */
function repoIdOfCacheFolder(name: string): string | undefined {
  if (!name.startsWith('models--')) return undefined;
  const repoId = name.slice('models--'.length).split('--').join('/');
  return isHubId(repoId) && !repoId.includes('@') && repoFolderName(repoId) === name ? repoId : undefined;
}

export function hubApi(): Router {
  const hasher = new FileHasher();
  const router = Router();

  router.post('/hub/snapshot', async (req, res) => {
    const { id, revision, cached } = (req.body ?? {}) as { id?: unknown; revision?: unknown; cached?: unknown };
    if (typeof id !== 'string' || !isHubId(id)) throw new ContentsError(400, `"id": expected a hub model id (org/name[@revision]), got ${JSON.stringify(id)}`);
    if (revision !== undefined && (typeof revision !== 'string' || !isHubId(`x@${revision}`))) {
      throw new ContentsError(400, `"revision": expected a branch, tag or commit, got ${JSON.stringify(revision)}`);
    }
    const notices: string[] = [];
    try {
      const snapshot = await snapshotDownload(id, {
        revision: revision as string | undefined,
        settings: cached === true ? { offline: true } : {},
        onNotice: (message) => notices.push(message),
      });
      res.json({
        repoId: snapshot.repoId,
        revision: snapshot.revision,
        commit: snapshot.commit,
        files: `${HUB_FILES_ROOT}/${repoFolderName(snapshot.repoId)}/${snapshot.commit}`,
        // What the Node kernel would print (served from the cache, the hub being unreachable): the cell prints it here too.
        ...(notices.length ? { notices } : {}),
      });
    } catch (e) {
      if (isHubModelUnavailable(e)) return void res.status(503).json({ error: (e as Error).message, unavailable: true });
      // The hub's refusal (401, 404, ...) is about the hub, not about this server's routes.
      if (e instanceof HubHttpError) return void res.status(502).json({ error: e.message });
      if (e instanceof Error && e.message.startsWith(`"${id}"`)) throw new ContentsError(400, e.message);
      throw e;
    }
  });

  router.get('/hub/files/:repo/:commit{/*path}', (req, res) => {
    const folder = String(req.params.repo);
    const commit = String(req.params.commit);
    const repoId = repoIdOfCacheFolder(folder);
    if (!repoId) throw new ContentsError(404, `${folder}: not a model's hub cache folder (models--org--name)`);
    if (!isCommitHash(commit)) throw new ContentsError(404, `${folder}/${commit}: not a commit (40 hex digits)`);
    const parts = (req.params as { path?: string[] }).path ?? [];
    const repoFolder = join(hubSettings().cacheDir, folder);
    serveConfined(
      req,
      res,
      { root: join(repoFolder, 'snapshots', commit), confine: repoFolder, parts, shown: `${parseHubId(repoId).repoId}@${commit.slice(0, 12)}/${parts.join('/')}`, what: `the hub cache's ${repoId}` },
      hasher,
    );
  });
  return router;
}
