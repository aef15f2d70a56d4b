/** JSON Lines in and out, with errors that name the file and line. */
import { createReadStream, createWriteStream, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export interface JsonlRecord<T> {
  line: number;
  value: T;
}

/** Reads every non-blank line of a .jsonl file (or stdin for "-") as JSON. */
export async function readJsonl<T = unknown>(path: string): Promise<Array<JsonlRecord<T>>> {
  // Checked first: readline does not pass on its input stream's errors (EISDIR would name no path).
  if (path !== '-') {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) throw new Error(`${path}: no such file`);
    if (stat.isDirectory()) throw new Error(`${path}: is a folder, expected a .jsonl file`);
  }
  const input = path === '-' ? process.stdin : createReadStream(path, { encoding: 'utf8' });
  const name = path === '-' ? '<stdin>' : path;
  const records: Array<JsonlRecord<T>> = [];
  let line = 0;
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      try {
        records.push({ line, value: JSON.parse(text) as T });
      } catch (e) {
        throw new Error(`${name}:${line}: not valid JSON (${(e as Error).message})`);
      }
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${name}: no such file`);
    throw e;
  }
  return records;
}

export interface JsonlWriter {
  write(value: unknown): void;
  /** Ends the output; rejects with the first write error (naming the file), if there was one. */
  close(): Promise<void>;
}

/** An error opening or writing an output file, naming it and saying why in words. */
export function outputError(path: string, error: NodeJS.ErrnoException): Error {
  const why =
    error.code === 'ENOENT'
      ? `its folder ${dirname(resolve(path))} does not exist`
      : error.code === 'EISDIR'
        ? 'it is a folder (give a file name)'
        : error.code === 'ENOTDIR'
          ? 'a part of its path is not a folder'
          : error.code === 'EACCES'
            ? 'permission denied'
            : error.code === 'ENOSPC'
              ? 'no space left on the device'
              : error.message;
  return new Error(`cannot write ${path}: ${why}`, { cause: error });
}

/**
 * Writes JSON lines to a file, or to stdout for "-" / undefined. The file is opened here, at once,
 * so that a bad path fails before any work is done; later write errors (a full disk) are kept and
 * thrown by close(), so that the command exits non-zero instead of losing output silently.
 */
export function openJsonlWriter(path?: string): JsonlWriter {
  if (!path || path === '-') {
    return {
      write: (value) => void process.stdout.write(JSON.stringify(value) + '\n'),
      close: () => Promise.resolve(),
    };
  }
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (e) {
    throw outputError(path, e as NodeJS.ErrnoException);
  }
  const stream = createWriteStream(path, { fd, encoding: 'utf8' });
  let failure: Error | undefined;
  stream.on('error', (e) => (failure ??= outputError(path, e)));
  return {
    write(value) {
      if (!failure) stream.write(JSON.stringify(value) + '\n');
    },
    close() {
      return new Promise((resolvePromise, reject) => {
        if (failure) {
          stream.destroy();
          return reject(failure);
        }
        stream.end(() => (failure ? reject(failure) : resolvePromise()));
        stream.once('error', () => reject(failure));
      });
    },
  };
}
