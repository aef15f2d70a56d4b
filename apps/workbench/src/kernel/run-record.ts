/**
 * What a run records for reproducibility (`metadata.wb.run`): the seeds set with `seed(n)`,
 * the backend, the versions of the packages the cells imported, the sha256 of every model
 * and dataset file the cells read, and the repo id and commit of every hub model among them
 * (a file under the hub cache's `models--org--name/snapshots/{commit}/`). Files are noticed by watching `node:fs` while cells run
 * (code and anything under node_modules is left out) and hashed when the record is taken.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hubSnapshotOf } from '@wb/core/node';
import type { HubModelUse, RunRecord } from '../notebook/types.js';
import { FileHasher } from './file-hash.js';

const CODE = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.wasm', '.node', '.map']);

export class RunRecorder {
  readonly seeds: number[] = [];
  readonly packages = new Map<string, string>();
  private readonly files = new Set<string>();
  private readonly hasher = new FileHasher();
  readonly started = new Date().toISOString();
  backend = 'unknown';

  constructor(private readonly cwd: string) {}

  /** Starts noticing files read while `active()` is true. */
  watchFiles(active: () => boolean): void {
    const note = (path: unknown) => {
      if (!active()) return;
      let file: string | undefined;
      if (typeof path === 'string') file = path;
      else if (path instanceof URL && path.protocol === 'file:') file = fileURLToPath(path);
      else if (Buffer.isBuffer(path)) file = path.toString();
      if (!file) return;
      const absolute = resolve(this.cwd, file);
      if (absolute.includes(`${'/'}node_modules${'/'}`) || CODE.has(extname(absolute)) || absolute.startsWith('/proc/') || absolute.startsWith('/dev/')) return;
      this.files.add(absolute);
    };
    const wrap = <F extends (...args: any[]) => any>(target: Record<string, any>, name: string) => {
      const original = target[name] as F;
      if (typeof original !== 'function') return;
      target[name] = function (this: unknown, ...args: Parameters<F>) {
        note(args[0]);
        return original.apply(this, args);
      };
    };
    for (const name of ['readFileSync', 'readFile', 'openSync', 'open', 'createReadStream']) wrap(fs as unknown as Record<string, any>, name);
    for (const name of ['readFile', 'open']) wrap(fs.promises as unknown as Record<string, any>, name);
    syncBuiltinESMExports();
  }

  /** Notes the version of the package that a bare import specifier resolved to. */
  notePackage(specifier: string, resolvedUrl: string | undefined): void {
    if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:') || !resolvedUrl?.startsWith('file:')) return;
    const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
    if (this.packages.has(name)) return;
    let dir = dirname(fileURLToPath(resolvedUrl));
    for (;;) {
      const manifest = join(dir, 'package.json');
      if (fs.existsSync(manifest)) {
        try {
          const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
          if (pkg.name === name && pkg.version) {
            this.packages.set(name, pkg.version);
            return;
          }
        } catch {
          // keep looking upwards
        }
      }
      const parent = dirname(dir);
      if (parent === dir) return;
      dir = parent;
    }
  }

  snapshot(): RunRecord {
    const files: RunRecord['files'] = {};
    for (const file of [...this.files].sort()) {
      const h = this.hasher.hash(file);
      if (!h) continue;
      // Relative to the notebook's folder (portable across checkouts), absolute only across drives.
      const rel = relative(this.cwd, file).split(sep).join('/');
      files[rel && !isAbsolute(rel) ? rel : file] = { sha256: h.sha256, bytes: h.bytes };
    }
    const models = new Map<string, HubModelUse>();
    for (const file of this.files) {
      const hub = hubSnapshotOf(file);
      if (hub) models.set(`${hub.repoId}@${hub.commit}`, { repo: hub.repoId, commit: hub.commit });
    }
    return {
      kernel: 'node',
      backend: this.backend,
      started: this.started,
      node: process.versions.node,
      seeds: [...this.seeds],
      packages: Object.fromEntries([...this.packages].sort(([a], [b]) => a.localeCompare(b))),
      files,
      ...(models.size ? { models: [...models.keys()].sort().map((key) => models.get(key)!) } : {}),
    };
  }
}
