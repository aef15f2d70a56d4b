/**
 * The server's HTTP API. The access token travels as the cookie set when the page was opened with
 * it; requests that change something also carry the XSRF token (`xsrf.ts`).
 */
import type { CellQuery, Completions, HoverInfo } from '../language/type-service.js';
import type { Notebook } from '../notebook/types.js';
import type { RunDetail, RunSummary } from '../runs/types.js';
import type { SweepInfo, SweepPointRun } from '../runs/sweep-types.js';
import { xsrfHeaders } from './xsrf.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...(method === 'GET' ? {} : xsrfHeaders()) },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const data = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok) throw new ApiError(response.status, data.error ?? `${response.status} ${response.statusText}`);
  return data as T;
}

const q = (path: string) => `?path=${encodeURIComponent(path)}`;

export interface Entry {
  name: string;
  path: string;
  type: 'directory' | 'notebook';
  mtime: number;
  size: number;
}

export interface SessionInfo {
  id: string;
  path: string;
  state: string;
  backend: string | null;
  /** Tabs connected to it. */
  connections?: number;
  /** ISO 8601. */
  lastActivity?: string;
}

export const api = {
  list: (dir: string) => call<{ root: string; entries: Entry[] }>('GET', `/api/contents${q(dir)}`),
  open: (path: string) => call<{ notebook: Notebook; mtime: number }>('GET', `/api/notebook${q(path)}`),
  save: (path: string, notebook: Notebook, mtime: number | undefined, checkpoint = false) =>
    call<{ mtime: number }>('PUT', `/api/notebook${q(path)}`, { notebook, mtime, checkpoint }),
  create: (dir: string) => call<{ path: string }>('POST', '/api/notebook/new', { dir }),
  rename: (path: string, newPath: string) => call<{ path: string }>('POST', '/api/notebook/rename', { path, newPath }),
  revert: (path: string) => call<{ notebook: Notebook; mtime: number }>('POST', '/api/notebook/revert', { path }),
  session: (path: string) => call<SessionInfo>('POST', '/api/sessions', { path }),
  beginRun: (path: string) => call<{ id: number }>('POST', '/api/runs', { path }),
  finishRun: (id: number, end: unknown) => call<{ id: number }>('POST', `/api/runs/${id}/finish`, end),
  sessions: () => call<{ sessions: SessionInfo[]; kernelIdleTimeout: number }>('GET', '/api/sessions'),
  shutdownSession: (id: string) => call<unknown>('DELETE', `/api/sessions/${encodeURIComponent(id)}`),
  deleteNotebook: (path: string) => call<{ path: string }>('POST', '/api/notebook/delete', { path }),
  openText: (path: string) => call<{ text: string; mtime: number }>('GET', `/api/notebook/text${q(path)}`),
  saveText: (path: string, text: string, mtime: number) => call<{ mtime: number }>('PUT', `/api/notebook/text${q(path)}`, { text, mtime }),
  completions: (query: CellQuery) => call<Completions>('POST', '/api/language/completions', query),
  hover: (query: CellQuery) => call<{ hover: HoverInfo | null }>('POST', '/api/language/hover', query),
  warmLanguage: () => call<unknown>('POST', '/api/language/warm', {}),
  runs: () => call<{ file: string; base: string; runs: RunSummary[] }>('GET', '/api/runs'),
  run: (id: number) => call<RunDetail>('GET', `/api/runs/${id}`),
  sweeps: () => call<{ sweeps: SweepInfo[] }>('GET', '/api/sweeps'),
  sweep: (id: string) => call<{ sweep: SweepInfo; runs: SweepPointRun[] }>('GET', `/api/sweeps/${encodeURIComponent(id)}`),
};
