/**
 * Model folders over HTTP, for the browser kernel: the server's read-only `/api/files/<root>/…`
 * routes (`server/files-api.ts`) as core's `ModelFiles`, so that core's own folder loaders
 * (`loadModel` and its aliases) read them exactly as they read a folder on disk.
 *
 * Requests are synchronous because those loaders are (see `@wb/core`'s `model-files.ts`). That is
 * allowed, and harmless, in a Web Worker: it blocks only the kernel's own thread, which is busy
 * loading the model either way.
 */
import { joinLocation, type ModelFiles } from '@wb/core';

/** A file the kernel read, for the run record: the server sends the sha256 of what it served. */
export interface FileRead {
  url: string;
  bytes: number;
  sha256: string | undefined;
}

const encodeName = (name: string) => name.split('/').map(encodeURIComponent).join('/');

function send(method: 'GET' | 'HEAD', url: string, binary: boolean): XMLHttpRequest {
  const xhr = new XMLHttpRequest();
  xhr.open(method, url, false);
  if (binary) xhr.responseType = 'arraybuffer';
  try {
    xhr.send();
  } catch (e) {
    throw new Error(`${url}: could not reach the workbench server (${(e as Error).message}); is \`wb serve\` still running?`);
  }
  return xhr;
}

/** The server's reason for a refusal, else the status line. */
function failure(url: string, xhr: XMLHttpRequest): Error {
  let reason = `${xhr.status} ${xhr.statusText}`;
  try {
    const text = xhr.responseType === 'arraybuffer' ? new TextDecoder().decode(xhr.response as ArrayBuffer) : xhr.responseText;
    reason = (JSON.parse(text) as { error?: string }).error ?? reason;
  } catch {
    // not JSON: keep the status line
  }
  return new Error(`${url}: ${reason}`);
}

/** `location` is a URL path under `/api/files/` (what `sharedPath(...)` returns in this kernel). */
export function httpFiles(location: string, onRead?: (read: FileRead) => void): ModelFiles {
  const url = (name: string) => (name ? joinLocation(location, encodeName(name)) : location);
  const files: ModelFiles = {
    location,
    path: (name) => joinLocation(location, name),
    kind(name) {
      const xhr = send('HEAD', url(name), false);
      if (xhr.status === 404) return undefined;
      if (xhr.status !== 200) throw failure(url(name), xhr);
      return xhr.getResponseHeader('X-WB-Kind') === 'folder' ? 'folder' : 'file';
    },
    list(name = '') {
      const xhr = send('GET', url(name), false);
      if (xhr.status !== 200) throw failure(url(name), xhr);
      if (xhr.getResponseHeader('X-WB-Kind') !== 'folder') throw new Error(`${url(name)}: not a folder`);
      return (JSON.parse(xhr.responseText) as { entries: Array<{ name: string }> }).entries.map((e) => e.name);
    },
    bytes(name) {
      const xhr = send('GET', url(name), true);
      if (xhr.status !== 200) throw failure(url(name), xhr);
      const bytes = new Uint8Array(xhr.response as ArrayBuffer);
      onRead?.({ url: url(name), bytes: bytes.length, sha256: xhr.getResponseHeader('X-WB-SHA256') ?? undefined });
      return bytes;
    },
    text: (name) => new TextDecoder().decode(files.bytes(name)),
    folder: (name) => httpFiles(url(name), onRead),
  };
  return files;
}
