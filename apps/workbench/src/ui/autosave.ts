/**
 * Nothing typed is lost: every change goes at once into a draft in localStorage (kept until
 * the server has saved that version), and about a second later to the server. A reload finds
 * the draft and restores it; a file that changed on disk meanwhile is not overwritten without
 * asking (the server answers 409).
 */
import type { Notebook } from '../notebook/types.js';
import { api, ApiError } from './api.js';

export type SaveState = 'saved' | 'saving' | 'unsaved' | 'conflict' | 'error';

export interface Draft {
  notebook: Notebook;
  /** The file's mtime the draft was made on top of. */
  baseMtime: number | undefined;
  at: number;
}

const key = (path: string) => `wb-draft:${path}`;

export function readDraft(path: string): Draft | undefined {
  try {
    const text = localStorage.getItem(key(path));
    return text ? (JSON.parse(text) as Draft) : undefined;
  } catch {
    return undefined;
  }
}

export class Autosaver {
  private version = 0;
  private savedVersion = 0;
  private saving: Promise<void> | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private draftTimer: ReturnType<typeof setTimeout> | undefined;
  state: SaveState = 'saved';

  constructor(
    public path: string,
    public mtime: number | undefined,
    private readonly notebook: () => Notebook,
    private readonly onState: (state: SaveState, detail?: string) => void,
    private readonly delayMs = 1000,
  ) {
    addEventListener('pagehide', () => this.writeDraft());
    addEventListener('beforeunload', (event) => {
      this.writeDraft();
      if (this.dirty) event.preventDefault();
    });
  }

  get dirty(): boolean {
    return this.version !== this.savedVersion;
  }

  private setState(state: SaveState, detail?: string): void {
    this.state = state;
    this.onState(state, detail);
  }

  /** Something in the notebook changed. */
  changed(): void {
    this.version++;
    if (this.state !== 'conflict') this.setState('unsaved');
    clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => this.writeDraft(), 150);
    clearTimeout(this.saveTimer);
    if (this.state !== 'conflict') this.saveTimer = setTimeout(() => void this.save(), this.delayMs);
  }

  writeDraft(): void {
    clearTimeout(this.draftTimer);
    if (!this.dirty) return;
    try {
      const draft: Draft = { notebook: this.notebook(), baseMtime: this.mtime, at: Date.now() };
      localStorage.setItem(key(this.path), JSON.stringify(draft));
    } catch {
      // Storage full or disabled: the server save still runs.
    }
  }

  clearDraft(): void {
    localStorage.removeItem(key(this.path));
  }

  /** Saves now (waiting for a save in flight first). `overwrite` ignores a change on disk. */
  async save({ checkpoint = false, overwrite = false } = {}): Promise<void> {
    clearTimeout(this.saveTimer);
    while (this.saving) await this.saving;
    if (!this.dirty && !checkpoint && !overwrite) return;
    const version = this.version;
    this.setState('saving');
    this.saving = (async () => {
      try {
        const { mtime } = await api.save(this.path, this.notebook(), overwrite ? undefined : this.mtime, checkpoint);
        this.mtime = mtime;
        this.savedVersion = version;
        if (!this.dirty) {
          this.clearDraft();
          this.setState('saved', checkpoint ? 'checkpoint' : undefined);
        } else {
          this.setState('unsaved');
          this.saveTimer = setTimeout(() => void this.save(), this.delayMs);
        }
      } catch (e) {
        this.writeDraft();
        if (e instanceof ApiError && e.status === 409) this.setState('conflict', e.message);
        else {
          this.setState('error', (e as Error).message);
          this.saveTimer = setTimeout(() => void this.save(), 5000);
        }
      } finally {
        this.saving = undefined;
      }
    })();
    await this.saving;
  }

  /** Marks the current state as saved (after loading or reverting). */
  reset(mtime: number | undefined): void {
    this.mtime = mtime;
    this.savedVersion = this.version;
    clearTimeout(this.saveTimer);
    this.clearDraft();
    this.setState('saved');
  }
}
