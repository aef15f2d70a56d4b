/**
 * Pretraining corpora (Node): every `*.txt` in a folder, sorted by name, one sentence per line and a
 * blank line between documents (the format of BERT's create_pretraining_data and of shared/data/corpora).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface CorpusFile {
  path: string;
  /** Documents, each a list of non-empty lines. */
  documents: string[][];
}

export function corpusFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir}: corpus folder not found`);
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.txt'))
    .sort()
    .map((name) => join(dir, name));
  if (files.length === 0) throw new Error(`${dir}: no .txt files (a corpus is one sentence per line, blank lines between documents)`);
  return files;
}

function splitDocuments(text: string): string[][] {
  const documents: string[][] = [];
  let current: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line) current.push(line);
    else if (current.length) {
      documents.push(current);
      current = [];
    }
  }
  if (current.length) documents.push(current);
  return documents;
}

export function readCorpus(dir: string): CorpusFile[] {
  return corpusFiles(dir).map((path) => ({ path, documents: splitDocuments(readFileSync(path, 'utf8')) }));
}
