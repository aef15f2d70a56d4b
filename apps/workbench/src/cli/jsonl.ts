/** JSON Lines in and out, with errors that name the file and line. */
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface JsonlRecord<T> {
  line: number;
  value: T;
}

/** Reads every non-blank line of a .jsonl file (or stdin for "-") as JSON. */
export async function readJsonl<T = unknown>(path: string): Promise<Array<JsonlRecord<T>>> {
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
  close(): Promise<void>;
}

/** Writes JSON lines to a file, or to stdout for "-" / undefined. */
export function openJsonlWriter(path?: string): JsonlWriter {
  const stream = !path || path === '-' ? process.stdout : createWriteStream(path, { encoding: 'utf8' });
  return {
    write(value) {
      stream.write(JSON.stringify(value) + '\n');
    },
    close() {
      if (stream === process.stdout) return Promise.resolve();
      return new Promise((resolve, reject) => {
        stream.on('error', reject);
        stream.end(resolve);
      });
    },
  };
}
