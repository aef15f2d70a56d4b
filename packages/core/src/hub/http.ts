/**
 * Requests to the hub and what their failures mean to a person: 401/403 (gated or private),
 * 404 (which of repository, revision or file), and the network being unreachable, which the
 * callers answer by serving from the cache.
 */
import type { HubSettings } from './settings.js';

/** What a request was about, for messages. */
export interface HubTarget {
  repoId: string;
  revision?: string;
  file?: string;
}

/** The hub answered, and the answer is an error (the message says what to do). */
export class HubHttpError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'HubHttpError';
  }
}

/** No answer at all: no network, a refused connection, a timeout. */
export class HubUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HubUnreachableError';
  }
}

/** The repository's name in a URL path: each part escaped, the '/' kept. */
export function repoPath(repoId: string): string {
  return repoId.split('/').map(encodeURIComponent).join('/');
}

export function revisionInfoUrl(settings: HubSettings, repoId: string, revision: string): string {
  return `${settings.endpoint}/api/models/${repoPath(repoId)}/revision/${encodeURIComponent(revision)}`;
}

export function resolveUrl(settings: HubSettings, repoId: string, revision: string, file: string): string {
  return `${settings.endpoint}/${repoPath(repoId)}/resolve/${encodeURIComponent(revision)}/${file.split('/').map(encodeURIComponent).join('/')}`;
}

/** The token goes to the hub only, never to the CDN a download is redirected to. */
function headersFor(settings: HubSettings, url: string, extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': 'wb-workbench (huggingface_hub protocol)', ...extra };
  if (settings.token && new URL(url).origin === new URL(settings.endpoint).origin) headers.authorization = `Bearer ${settings.token}`;
  return headers;
}

function describe(target: HubTarget): string {
  const id = target.revision ? `${target.repoId}@${target.revision}` : target.repoId;
  return target.file ? `${id}: ${target.file}` : id;
}

/** The error a non-2xx answer means, worded for the person who asked. */
export function hubError(response: Response, settings: HubSettings, target: HubTarget): HubHttpError {
  const code = response.headers.get('x-error-code') ?? '';
  const serverSays = response.headers.get('x-error-message');
  const detail = serverSays ? ` (the hub says: ${serverSays})` : '';
  const where = settings.endpoint;
  const status = response.status;
  let message: string;
  if (code === 'GatedRepo') {
    message =
      `${target.repoId} is a gated model (${status} from ${where}): accept its terms on ${where}/${target.repoId} ` +
      `and set HF_TOKEN to an access token of that account${settings.token ? ' (the token in use has no access yet)' : ''}`;
  } else if (status === 401 || status === 403) {
    message = settings.token
      ? `${where} refused access to ${target.repoId} (${status}) with the token in HF_TOKEN: the repository is private or gated and this token cannot read it, or the repo id is wrong`
      : `${target.repoId} needs authentication (${status} from ${where}): it is private or gated, or does not exist. ` +
        `Set HF_TOKEN to an access token that can read it (${where}/settings/tokens)`;
  } else if (status === 404 && code === 'RevisionNotFound') {
    message = `${target.repoId}: revision "${target.revision}" not found on ${where} (not a branch, tag or commit of the repository)`;
  } else if (status === 404 && (code === 'EntryNotFound' || (target.file && code !== 'RepoNotFound'))) {
    message = `${describe({ ...target, file: undefined })}: file "${target.file}" not found on ${where}`;
  } else if (status === 404) {
    message = `${target.repoId}: no such model repository on ${where}${settings.token ? ' (or it is private and the token in HF_TOKEN cannot read it)' : ''}`;
  } else {
    message = `${describe(target)}: ${where} answered ${status} ${response.statusText}`;
  }
  return new HubHttpError(message + detail, status);
}

function unreachable(url: string, error: unknown): HubUnreachableError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message ?? (error as Error).message;
  return new HubUnreachableError(`${new URL(url).origin} is unreachable (${reason})`);
}

interface HubRequest {
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  /** Follow redirects (GET of a download); HEAD requests read the redirect itself. */
  follow?: boolean;
  /** Seconds without an answer before giving up (huggingface_hub waits 10 s for metadata). */
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

/** One request; an unreachable host throws HubUnreachableError, an error status is returned to the caller. */
export async function hubFetch(settings: HubSettings, url: string, request: HubRequest = {}): Promise<Response> {
  const signals = [request.signal, request.timeoutSeconds ? AbortSignal.timeout(request.timeoutSeconds * 1000) : undefined].filter(
    (s): s is AbortSignal => s !== undefined,
  );
  const attempt = () =>
    fetch(url, {
      method: request.method ?? 'GET',
      headers: headersFor(settings, url, request.headers),
      redirect: request.follow === false ? 'manual' : 'follow',
      signal: signals.length ? AbortSignal.any(signals) : undefined,
    });
  try {
    return await attempt();
  } catch (first) {
    if (request.signal?.aborted) throw first;
    // A kept-alive connection that the server closed meanwhile fails the first request on it:
    // once more on a fresh one before calling the hub unreachable.
    try {
      return await attempt();
    } catch (e) {
      if (request.signal?.aborted) throw e;
      throw unreachable(url, e);
    }
  }
}

/** A JSON API answer, or the error its status means. */
export async function hubJson<T>(settings: HubSettings, url: string, target: HubTarget): Promise<T> {
  const response = await hubFetch(settings, url, { timeoutSeconds: 10 });
  if (!response.ok) throw hubError(response, settings, target);
  try {
    return (await response.json()) as T;
  } catch (e) {
    throw new Error(`${url}: the hub's answer is not JSON (${(e as Error).message})`);
  }
}
