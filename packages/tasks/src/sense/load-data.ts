/** Reading the WiC and Senseval folders from disk (Node). The parsing is in ../readers. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseSenseval, type SensevalInstance } from '../readers/senseval.js';
import { readTextFile } from '../readers/text-file.js';
import { parseWic, type WicExample } from '../readers/wic.js';

function requireFolder(dir: string, what: string): string {
  const path = resolve(dir);
  if (!existsSync(path)) throw new Error(`${what} folder ${path} does not exist`);
  if (!statSync(path).isDirectory()) throw new Error(`${path} is not a folder (expected the ${what} folder)`);
  return path;
}

/** The splits a WiC folder has: names with both NAME.data.txt and NAME.gold.txt. */
export function wicSplits(dir: string): string[] {
  const files = readdirSync(requireFolder(dir, 'WiC'));
  return files
    .filter((f) => f.endsWith('.data.txt'))
    .map((f) => f.slice(0, -'.data.txt'.length))
    .filter((name) => files.includes(`${name}.gold.txt`))
    .sort();
}

/** One WiC split (`train`, `dev`, `test`) with its gold labels: DIR/SPLIT.data.txt + DIR/SPLIT.gold.txt. */
export function readWicSplit(dir: string, split: string): WicExample[] {
  const folder = requireFolder(dir, 'WiC');
  const dataFile = join(folder, `${split}.data.txt`);
  const goldFile = join(folder, `${split}.gold.txt`);
  for (const file of [dataFile, goldFile]) {
    if (!existsSync(file)) {
      const have = wicSplits(folder);
      throw new Error(
        `${file} does not exist: this WiC folder has ${have.length ? `the split(s) ${have.join(', ')}` : 'no complete split (NAME.data.txt + NAME.gold.txt)'}`,
      );
    }
  }
  return parseWic(
    { text: readTextFile(dataFile), file: dataFile },
    { text: readTextFile(goldFile), file: goldFile },
  );
}

/** Every `WORD.tsv` of a Senseval folder, by word (file name without .tsv), in name order. */
export function readSensevalFolder(dir: string): Record<string, SensevalInstance[]> {
  const folder = requireFolder(dir, 'Senseval');
  const files = readdirSync(folder)
    .filter((f) => f.endsWith('.tsv'))
    .sort();
  if (files.length === 0) throw new Error(`${folder}: no .tsv files (expected one WORD.tsv per target word)`);
  return Object.fromEntries(
    files.map((f) => {
      const file = join(folder, f);
      return [basename(f, '.tsv'), parseSenseval(readTextFile(file), file)];
    }),
  );
}
