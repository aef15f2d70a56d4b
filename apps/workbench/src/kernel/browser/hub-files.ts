/**
 * Hub ids (`loadModel('org/name', { revision })`) in the browser kernel: the workbench server
 * fetches the model into its hub cache with its own token (`server/hub-api.ts`) and serves the
 * snapshot, which is then read like any other served folder (`http-files.ts`). The worker never
 * talks to the hub itself: its policy allows `connect-src 'self'` only, and the token stays on
 * the server.
 *
 * The server's "not in the cache and the hub unreachable" comes back as core's
 * `HubModelUnavailableError`, with the server's words, exactly as the Node kernel raises it, so
 * that `loadHubModelOr` falls back the same way in both kernels.
 */
import { HubModelUnavailableError, type ModelFiles } from '@wb/core';
import { xsrfHeaders } from '../../ui/xsrf.js';
import { httpFiles, type FileRead } from './http-files.js';

const SNAPSHOT_URL = '/api/hub/snapshot';

interface SnapshotAnswer {
  files?: string;
  /** What Node's hub client would have printed (e.g. served from the cache, the hub unreachable). */
  notices?: string[];
  error?: string;
  unavailable?: boolean;
}

export interface HubFilesOptions {
  revision?: string;
  xsrfToken?: string;
  onRead?: (read: FileRead) => void;
}

function filesOf(id: string, status: number, text: string, options: HubFilesOptions): ModelFiles {
  let answer: SnapshotAnswer = {};
  try {
    answer = JSON.parse(text) as SnapshotAnswer;
  } catch {
    // not JSON: the status says it
  }
  if (status === 200 && answer.files) {
    // As the Node kernel's loaders warn (core's `resolveModelSource`): into the cell's stderr.
    for (const notice of answer.notices ?? []) console.warn(notice);
    return httpFiles(answer.files, options.onRead);
  }
  const reason = answer.error ?? `the workbench server answered ${status}`;
  if (answer.unavailable) throw new HubModelUnavailableError(reason);
  throw new Error(`${id}: ${reason}`);
}

const body = (id: string, options: HubFilesOptions, cached: boolean) => JSON.stringify({ id, revision: options.revision, cached });
const headers = (options: HubFilesOptions) => ({ 'Content-Type': 'application/json', ...xsrfHeaders(options.xsrfToken) });
const unreachable = (e: unknown) => new Error(`could not reach the workbench server for a hub model (${(e as Error).message}); is \`wb serve\` still running?`);

/** The hub model's snapshot, downloaded by the server when its cache lacks it. */
export async function openHubModel(id: string, options: HubFilesOptions): Promise<ModelFiles> {
  let response: Response;
  try {
    response = await fetch(SNAPSHOT_URL, { method: 'POST', headers: headers(options), body: body(id, options, false), credentials: 'same-origin' });
  } catch (e) {
    throw unreachable(e);
  }
  return filesOf(id, response.status, await response.text(), options);
}

/** The same from the server's cache only (for the synchronous loaders, as in Node). */
export function openHubModelSync(id: string, options: HubFilesOptions): ModelFiles {
  const xhr = new XMLHttpRequest();
  xhr.open('POST', SNAPSHOT_URL, false);
  for (const [name, value] of Object.entries(headers(options))) xhr.setRequestHeader(name, value);
  try {
    xhr.send(body(id, options, true));
  } catch (e) {
    throw unreachable(e);
  }
  return filesOf(id, xhr.status, xhr.responseText, options);
}
