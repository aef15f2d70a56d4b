/**
 * The workbench server: express on 127.0.0.1 with the token check in front of everything,
 * the notebook contents API, kernel sessions over websockets, and the notebook UI.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import { WebSocketServer } from 'ws';
import { TypeClient } from '../language/type-client.js';
import { notebookToHtml } from '../notebook/export-html.js';
import { authorisedUpgrade, newToken, refuseCrossSite, requireToken } from './auth.js';
import { ContentsError, NotebookStore } from './contents.js';
import { fileRoots } from './file-roots.js';
import { filesApi } from './files-api.js';
import { hubApi } from './hub-api.js';
import { kernelAssets } from './kernel-assets.js';
import { languageApi } from './language-api.js';
import { runsApi } from './runs-api.js';
import { DEFAULT_MAX_SESSIONS, SessionManager } from './sessions.js';
import { transpileApi } from './transpile-api.js';
import { uiRunsApi } from './ui-runs.js';

export interface WorkbenchOptions {
  /** The notebooks folder. */
  root: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  token?: string;
  /** How many Node kernels may run at once (default 16). */
  maxSessions?: number;
  /** Shut down kernels idle this long with no tab connected (seconds; 0 or absent: never). */
  kernelIdleTimeout?: number;
}

export interface Workbench {
  url: string;
  port: number;
  token: string;
  store: NotebookStore;
  close(): Promise<void>;
}

/** The built UI (dist/ui), also when this file runs from src/ under the tests. */
function uiDir(): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts') ? fileURLToPath(new URL('../../dist/ui', import.meta.url)) : fileURLToPath(new URL('../ui', import.meta.url));
}

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const query = (req: Request, name: string): string => (typeof req.query[name] === 'string' ? (req.query[name] as string) : '');

export async function startWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  const store = new NotebookStore(options.root);
  const sessions = new SessionManager(options.maxSessions ?? DEFAULT_MAX_SESSIONS);
  const runs = runsApi(store.root);
  const types = new TypeClient();
  const token = options.token ?? newToken();
  const host = options.host ?? '127.0.0.1';
  let port = options.port ?? 0;
  const auth = { token, port: () => port };
  const ui = uiDir();
  if (!existsSync(`${ui}/index.html`)) throw new Error(`the workbench UI is not built: ${ui}/index.html is missing (run npm run build)`);

  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.set({
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      // Cross-origin isolation: the browser kernel's interrupt flag is a SharedArrayBuffer.
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'credentialless',
    });
    next();
  });
  app.use(requireToken(auth));
  app.use(refuseCrossSite(auth));
  app.use(express.json({ limit: '256mb' }));

  const api = express.Router();
  api.get('/contents', (req, res) => {
    res.json({ path: query(req, 'path'), root: store.root, entries: store.list(query(req, 'path')) });
  });
  api.get('/notebook', (req, res) => {
    const path = query(req, 'path');
    res.json({ path, ...store.read(path) });
  });
  api.put('/notebook', (req, res) => {
    const path = query(req, 'path');
    const { notebook, mtime, checkpoint } = req.body ?? {};
    res.json({ path, ...store.save(path, notebook, { expectedMtime: typeof mtime === 'number' ? mtime : undefined, checkpoint: !!checkpoint }) });
  });
  api.get('/notebook/html', (req, res) => {
    const path = query(req, 'path');
    const name = path.split('/').pop()!.replace(/\.ipynb$/, '');
    res.attachment(`${name}.html`).type('html').send(notebookToHtml(store.read(path).notebook, name));
  });
  api.post('/notebook/new', (req, res) => {
    res.json({ path: store.create(typeof req.body?.dir === 'string' ? req.body.dir : '') });
  });
  api.post('/notebook/rename', (req, res) => {
    const { path, newPath } = req.body ?? {};
    const renamed = store.rename(path, newPath);
    sessions.renamed(path, renamed);
    res.json({ path: renamed });
  });
  api.post('/notebook/delete', (req, res) => {
    const path = req.body?.path;
    store.delete(path);
    res.json({ path, kernelsShutDown: sessions.shutdownPath(path) });
  });
  // "Open as text": a notebook that does not parse can still be read and repaired.
  api.get('/notebook/text', (req, res) => {
    const path = query(req, 'path');
    res.json({ path, ...store.readText(path) });
  });
  api.put('/notebook/text', (req, res) => {
    const path = query(req, 'path');
    const { text, mtime } = req.body ?? {};
    res.json({ path, ...store.saveText(path, text, { expectedMtime: typeof mtime === 'number' ? mtime : undefined }) });
  });
  api.post('/notebook/revert', (req, res) => {
    const path = req.body?.path;
    res.json({ path, ...store.revert(path) });
  });
  api.post('/sessions', (req, res) => {
    const path = req.body?.path;
    // A kernel only for a notebook that exists: it runs in the notebook's folder.
    const absolute = store.existingNotebook(path);
    res.json(sessions.open(path, absolute).info());
  });
  // The running kernels (the UI's kernels list), and shutting one down.
  api.get('/sessions', (_req, res) => {
    res.json({ sessions: sessions.list(), kernelIdleTimeout: options.kernelIdleTimeout ?? 0 });
  });
  api.delete('/sessions/:id', (req, res) => {
    if (!sessions.shutdown(String(req.params.id))) throw new ContentsError(404, 'no such kernel session');
    res.status(204).end();
  });
  api.post('/sessions/:id/:action', async (req, res) => {
    const session = sessions.get(String(req.params.id));
    if (!session) throw new ContentsError(404, 'no such kernel session');
    if (req.params.action === 'interrupt') res.json({ result: await session.kernel.interrupt() });
    else if (req.params.action === 'restart') {
      await session.kernel.restart();
      res.json(session.info());
    } else throw new ContentsError(404, `unknown action ${req.params.action}`);
  });
  api.use(runs.router);
  // A "Run all" in the UI, recorded like `wb run`.
  api.use(uiRunsApi((path) => store.existingNotebook(path)));
  // The browser kernel's: transpiling cells, and reading models and data.
  api.use(transpileApi());
  // Completions and hover types in code cells.
  api.use(languageApi(types));
  api.use(filesApi(fileRoots(store.root)));
  // Hub models for the browser kernel, through this server's hub cache and token.
  api.use(hubApi());
  api.use((_req, res) => res.status(404).json({ error: 'no such API' }));
  app.use('/api', api);

  app.use('/assets/kernel', kernelAssets(`${ui}/assets`));
  app.use('/assets', express.static(`${ui}/assets`, { index: false, fallthrough: false }));
  app.get(['/', '/tree', '/tree/{*rest}', '/notebooks/{*rest}', '/runs'], (_req, res) => res.sendFile(`${ui}/index.html`));
  app.use((_req, res) => res.status(404).type('text/plain').send('Not found\n'));
  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    const status = error instanceof ContentsError ? error.status : (error as { status?: number }).status ?? 500;
    if (status >= 500) process.stderr.write(`wb serve: ${error.stack ?? error.message}\n`);
    res.status(status).json({ error: error.message });
  });

  // As Jupyter's cull_idle_timeout (checked every cull_interval, here a tenth of the timeout, 1 s to 60 s).
  const idleTimeoutMs = (options.kernelIdleTimeout ?? 0) * 1000;
  const culling =
    idleTimeoutMs > 0
      ? setInterval(
          () => {
            for (const path of sessions.cullIdle(idleTimeoutMs)) process.stderr.write(`wb serve: shut down the idle kernel of ${path}\n`);
          },
          Math.min(60_000, Math.max(1000, idleTimeoutMs / 10)),
        ).unref()
      : undefined;

  const server: Server = createServer(app);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 << 20 });
  server.on('upgrade', (req, socket, head) => {
    // A socket that errors (a client that hangs up mid-handshake) must not become an uncaught error.
    socket.on('error', () => socket.destroy());
    const refuse = (status: string) => {
      if (socket.writable) socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    try {
      const match = /^\/api\/sessions\/([0-9a-f-]+)\/ws(?:\?|$)/.exec(req.url ?? '');
      const session = match ? sessions.get(match[1]) : undefined;
      if (!authorisedUpgrade(req, auth)) return refuse('403 Forbidden');
      if (!session) return refuse('404 Not Found');
      wss.handleUpgrade(req, socket, head, (ws) => session.attach(ws));
    } catch (e) {
      // Nothing a request carries may take the server down: refuse it, log it, keep serving.
      process.stderr.write(`wb serve: refused a websocket upgrade that failed: ${(e as Error).stack ?? e}\n`);
      refuse('400 Bad Request');
    }
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  } catch (e) {
    // `wb serve` tries the next port: let go of the history before it opens it again.
    runs.close();
    throw e;
  }
  port = (server.address() as AddressInfo).port;
  const shownHost = host === '127.0.0.1' || host === '::1' ? '127.0.0.1' : host;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    token,
    store,
    async close() {
      clearInterval(culling);
      sessions.shutdownAll();
      runs.close();
      await types.close();
      for (const client of wss.clients) client.terminate();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
