/** Reads a data file as UTF-8, strictly (Node only; the decoding is `utf8.ts`). */
import { readFileSync } from 'node:fs';
import { decodeUtf8 } from './utf8.js';

export function readTextFile(path: string): string {
  return decodeUtf8(readFileSync(path), path);
}
