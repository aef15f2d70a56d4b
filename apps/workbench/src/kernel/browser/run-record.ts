/**
 * The browser kernel's run record (`metadata.wb.run`), as `../run-record.ts` keeps the Node
 * kernel's: seeds, backend, the versions of the bundled packages the cells imported, and the sha256
 * of every file the cells read — here the files fetched from the server, hashed by the server as it
 * served them, named by their root and path (`shared/fixtures/tiny-bert/config.json`), and the repo
 * id and commit of every hub model among them (served from the server's hub cache).
 */
import type { HubModelUse, RunRecord } from '../../notebook/types.js';
import type { RunRecording } from '../cell-executor.js';
import type { FileRead } from './http-files.js';

const FILES_PREFIX = '/api/files/';
/** A hub model's file, served from the server's hub cache (`server/hub-api.ts`). */
const HUB_FILE = /^\/api\/(hub\/files\/models--([^/]+)\/([0-9a-f]{40})\/.+)$/;

export class BrowserRunRecorder implements RunRecording {
  readonly seeds: number[] = [];
  readonly packages = new Map<string, string>();
  private readonly files = new Map<string, { sha256: string; bytes: number }>();
  private readonly models = new Map<string, HubModelUse>();
  readonly started = new Date().toISOString();
  backend = 'unknown';

  constructor(
    /** Versions of the packages bundled into the worker, by name. */
    private readonly versions: Record<string, string>,
    /** Whether a cell is running: only what cells read is recorded. */
    private readonly active: () => boolean,
  ) {}

  notePackage(name: string): void {
    const version = this.versions[name];
    if (version) this.packages.set(name, version);
  }

  noteRead(read: FileRead): void {
    if (!this.active() || !read.sha256) return;
    const path = new URL(read.url, 'http://x').pathname;
    const hub = HUB_FILE.exec(path);
    if (hub) {
      const repo = decodeURIComponent(hub[2]).split('--').join('/');
      this.models.set(`${repo}@${hub[3]}`, { repo, commit: hub[3] });
      this.files.set(decodeURIComponent(hub[1]), { sha256: read.sha256, bytes: read.bytes });
      return;
    }
    const key = decodeURIComponent(path.startsWith(FILES_PREFIX) ? path.slice(FILES_PREFIX.length) : path);
    this.files.set(key, { sha256: read.sha256, bytes: read.bytes });
  }

  snapshot(): RunRecord {
    return {
      kernel: 'browser',
      backend: this.backend,
      started: this.started,
      seeds: [...this.seeds],
      packages: Object.fromEntries([...this.packages].sort(([a], [b]) => a.localeCompare(b))),
      files: Object.fromEntries([...this.files].sort(([a], [b]) => a.localeCompare(b))),
      ...(this.models.size ? { models: [...this.models.keys()].sort().map((key) => this.models.get(key)!) } : {}),
    };
  }
}
