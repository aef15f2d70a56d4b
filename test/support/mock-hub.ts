/**
 * A Hugging Face hub for tests: an express app on 127.0.0.1 (random ports) that speaks the
 * endpoints huggingface_hub uses, with the hub's headers, serving folders given to it:
 *   GET  /api/models/{repo}/revision/{rev}     → { id, sha, siblings: [{ rfilename }] }
 *   HEAD|GET /{repo}/resolve/{rev}/{file}       → X-Repo-Commit, ETag (the git blob id); an LFS file
 *        (*.safetensors, *.bin, *.h5, …) answers 302 to the "CDN" with X-Linked-Etag (its sha256)
 *        and X-Linked-Size
 *   GET  /cdn/{sha256}                          → the bytes, with Range support; on a second port,
 *        so that it is another origin as the real CDN is
 *   GET  /api/models/{repo}/discussions         → { discussions: [...] }
 * Errors carry X-Error-Code as the hub's do (RepoNotFound, RevisionNotFound, EntryNotFound,
 * GatedRepo). Faults for tests: a corrupted LFS body, a connection dropped mid-file, a file
 * listed but missing, a download held until the test lets it go.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express, { type Request, type Response } from 'express';

export type RepoFiles = Record<string, Uint8Array>;

export interface Discussion {
  num: number;
  title: string;
  status: 'open' | 'closed' | 'merged' | 'draft';
  isPullRequest: boolean;
}

interface Repo {
  commits: Map<string, RepoFiles>;
  refs: Map<string, string>;
  access: 'public' | 'private' | 'gated';
  discussions: Discussion[];
}

export interface LoggedRequest {
  method: string;
  path: string;
  range?: string;
  authorization?: string;
  /** 'hub' or 'cdn': which origin was asked. */
  origin: 'hub' | 'cdn';
}

const LFS = /\.(safetensors|bin|h5|hdf5|msgpack|onnx|ot|pt|pth|ckpt)$/;

const sha1 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/** The id git gives a file's contents. */
const gitBlobId = (bytes: Uint8Array) => sha1(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]));

/** Every file of a folder (recursively), by '/'-separated relative path, less `skip`. */
export function folderFiles(dir: string, skip: string[] = []): RepoFiles {
  const files: RepoFiles = {};
  const walk = (sub: string) => {
    for (const name of readdirSync(join(dir, sub))) {
      const rel = sub ? `${sub}/${name}` : name;
      if (skip.includes(rel)) continue;
      if (statSync(join(dir, rel)).isDirectory()) walk(rel);
      else files[rel] = readFileSync(join(dir, rel));
    }
  };
  walk('');
  return files;
}

export class MockHub {
  readonly requests: LoggedRequest[] = [];
  private readonly repos = new Map<string, Repo>();
  private readonly blobs = new Map<string, Uint8Array>();
  private readonly corrupted = new Set<string>();
  private readonly interruptions = new Map<string, number>();
  private readonly hidden = new Set<string>();
  private readonly held = new Map<string, { release: Promise<void>; open: () => void }>();
  private servers: Server[] = [];
  url = '';
  cdnUrl = '';
  /** The token that private and gated repositories accept. */
  readonly token = 'hf_mock_token_0123456789';

  /** Adds a commit of `files` to `repoId` and points `refs` (default main) at it; returns its sha. */
  addCommit(repoId: string, files: RepoFiles, refs: string[] = ['main']): string {
    const repo = this.repo(repoId);
    const hash = createHash('sha1').update(repoId).update(String(repo.commits.size));
    for (const name of Object.keys(files).sort()) hash.update(name).update(files[name]);
    const commit = hash.digest('hex');
    repo.commits.set(commit, files);
    for (const file of Object.values(files)) this.blobs.set(sha256(file), file);
    for (const ref of refs) repo.refs.set(ref, commit);
    return commit;
  }

  setRef(repoId: string, ref: string, commit: string): void {
    this.repo(repoId).refs.set(ref, commit);
  }

  setAccess(repoId: string, access: Repo['access']): void {
    this.repo(repoId).access = access;
  }

  addDiscussion(repoId: string, discussion: Discussion): void {
    this.repo(repoId).discussions.push(discussion);
  }

  /** The CDN serves this LFS file with one byte changed (same length). */
  corrupt(contents: Uint8Array): void {
    this.corrupted.add(sha256(contents));
  }

  /** The next CDN download of this file stops after `bytes` bytes (the connection is dropped). */
  interruptOnce(contents: Uint8Array, bytes: number): void {
    this.interruptions.set(sha256(contents), bytes);
  }

  /** The file stays in the listing but its resolve URL answers 404 (as when it was deleted meanwhile). */
  hide(repoId: string, file: string): void {
    this.hidden.add(`${repoId}/${file}`);
  }

  /** CDN downloads of this file wait until `release()`. */
  hold(contents: Uint8Array): { release: () => void } {
    let open!: () => void;
    const release = new Promise<void>((resolve) => (open = resolve));
    this.held.set(sha256(contents), { release, open });
    return { release: () => open() };
  }

  count(filter: Partial<LoggedRequest> & { pathEnds?: string }): number {
    return this.requests.filter(
      (r) =>
        (!filter.method || r.method === filter.method) &&
        (!filter.origin || r.origin === filter.origin) &&
        (!filter.pathEnds || r.path.endsWith(filter.pathEnds)),
    ).length;
  }

  private repo(repoId: string): Repo {
    let repo = this.repos.get(repoId);
    if (!repo) this.repos.set(repoId, (repo = { commits: new Map(), refs: new Map(), access: 'public', discussions: [] }));
    return repo;
  }

  async start(): Promise<this> {
    const app = express();
    app.use((req, res) => this.handle(req, res));
    const listen = () =>
      new Promise<Server>((resolve, reject) => {
        const server = app.listen(0, '127.0.0.1', () => resolve(server));
        server.once('error', reject);
      });
    this.servers = [await listen(), await listen()];
    const [hub, cdn] = this.servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`);
    this.url = hub;
    this.cdnUrl = cdn;
    return this;
  }

  /** Stops both servers and drops open connections: afterwards the hub is unreachable. */
  async stop(): Promise<void> {
    for (const held of this.held.values()) held.open();
    await Promise.all(
      this.servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
    this.servers = [];
  }

  private error(res: Response, status: number, code: string, message: string): void {
    res.status(status).set({ 'X-Error-Code': code, 'X-Error-Message': message }).json({ error: message });
  }

  /** The repo if the request may see it; otherwise answers as the hub does and returns undefined. */
  private visibleRepo(req: Request, res: Response, repoId: string): Repo | undefined {
    const repo = this.repos.get(repoId);
    const authorized = req.get('authorization') === `Bearer ${this.token}`;
    if (!repo || (repo.access === 'private' && !authorized)) {
      // The hub does not tell a private repository from a missing one.
      const status = req.get('authorization') ? 404 : 401;
      this.error(res, status, 'RepoNotFound', 'Repository not found');
      return undefined;
    }
    if (repo.access === 'gated' && !authorized) {
      this.error(res, req.get('authorization') ? 403 : 401, 'GatedRepo', `Access to model ${repoId} is restricted. You must have access to it and be authenticated to access it. Please log in.`);
      return undefined;
    }
    return repo;
  }

  private commitOf(res: Response, repo: Repo, revision: string): string | undefined {
    const commit = repo.commits.has(revision) ? revision : repo.refs.get(revision);
    if (!commit) this.error(res, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`);
    return commit;
  }

  private handle(req: Request, res: Response): void {
    const origin = (req.socket.localPort === (this.servers[1]?.address() as AddressInfo | undefined)?.port ? 'cdn' : 'hub') as 'hub' | 'cdn';
    const path = req.originalUrl.split('?')[0];
    this.requests.push({ method: req.method, path, range: req.get('range'), authorization: req.get('authorization'), origin });
    const decode = (s: string) => s.split('/').map(decodeURIComponent).join('/');
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && (m = /^\/api\/models\/(.+?)\/revision\/([^/]+)$/.exec(path))) {
      const repoId = decode(m[1]);
      const repo = this.visibleRepo(req, res, repoId);
      const commit = repo && this.commitOf(res, repo, decodeURIComponent(m[2]));
      if (!repo || !commit) return;
      const siblings = Object.keys(repo.commits.get(commit)!).sort().map((rfilename) => ({ rfilename }));
      res.json({ id: repoId, modelId: repoId, sha: commit, private: repo.access === 'private', gated: repo.access === 'gated' && 'manual', siblings });
      return;
    }
    if (req.method === 'GET' && (m = /^\/api\/models\/(.+?)\/discussions$/.exec(path))) {
      const repo = this.visibleRepo(req, res, decode(m[1]));
      if (repo) res.json({ discussions: repo.discussions, count: repo.discussions.length, start: 0, numClosedDiscussions: 0 });
      return;
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && (m = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(path))) {
      const repoId = decode(m[1]);
      const file = decode(m[3]);
      const repo = this.visibleRepo(req, res, repoId);
      const commit = repo && this.commitOf(res, repo, decodeURIComponent(m[2]));
      if (!repo || !commit) return;
      const contents = repo.commits.get(commit)![file];
      if (!contents || this.hidden.has(`${repoId}/${file}`)) {
        this.error(res, 404, 'EntryNotFound', `${file} does not exist on "${commit}"`);
        return;
      }
      res.set('X-Repo-Commit', commit);
      if (LFS.test(file)) {
        const oid = sha256(contents);
        res
          .status(302)
          .set({ Location: `${this.cdnUrl}/cdn/${oid}`, 'X-Linked-Etag': `"${oid}"`, 'X-Linked-Size': String(contents.length), ETag: `"${gitBlobId(Buffer.from(`oid sha256:${oid}`))}"` })
          .end();
        return;
      }
      res.set({ ETag: `"${gitBlobId(contents)}"`, 'Content-Length': String(contents.length) });
      if (req.method === 'HEAD') res.end();
      else res.end(Buffer.from(contents));
      return;
    }
    if (req.method === 'GET' && (m = /^\/cdn\/([0-9a-f]{64})$/.exec(path))) {
      void this.serveBlob(req, res, m[1]);
      return;
    }
    this.error(res, 404, 'NotFound', `no route for ${req.method} ${path}`);
  }

  private async serveBlob(req: Request, res: Response, oid: string): Promise<void> {
    let bytes = this.blobs.get(oid);
    if (!bytes) return this.error(res, 404, 'EntryNotFound', `no blob ${oid}`);
    await this.held.get(oid)?.release;
    if (this.corrupted.has(oid)) {
      bytes = Uint8Array.from(bytes);
      bytes[bytes.length >> 1] ^= 0xff;
    }
    const range = /^bytes=(\d+)-$/.exec(req.get('range') ?? '');
    const start = range ? Number(range[1]) : 0;
    if (start >= bytes.length && bytes.length > 0) {
      res.status(416).set('Content-Range', `bytes */${bytes.length}`).end();
      return;
    }
    res.status(range ? 206 : 200).set({ 'Content-Length': String(bytes.length - start), ETag: `"${oid}"`, 'Accept-Ranges': 'bytes' });
    if (range) res.set('Content-Range', `bytes ${start}-${bytes.length - 1}/${bytes.length}`);
    const cut = this.interruptions.get(oid);
    if (cut !== undefined && cut > start) {
      this.interruptions.delete(oid);
      res.flushHeaders();
      res.write(Buffer.from(bytes.subarray(start, cut)), () => setTimeout(() => res.socket?.destroy(), 50));
      return;
    }
    res.end(Buffer.from(bytes.subarray(start)));
  }
}

export async function startMockHub(): Promise<MockHub> {
  return new MockHub().start();
}
