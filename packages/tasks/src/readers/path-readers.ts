/**
 * The readers that take a file's path (`readSst2(path)`, `readConll(path)`, ...): the file's text,
 * parsed, errors naming the path. They are built over a way to read a file's text, so that each
 * kernel gives its own: Node's file system (`file-readers.ts`), or the workbench server's file
 * routes in the browser kernel, where `readSst2(sharedPath('data', 'sst2', 'dev.tsv'))` works too.
 */
import { parseClozeData, type ClozeItem } from './cloze.js';
import { parseConll, type ConllData, type ConllOptions } from './conll.js';
import { parsePlainText } from './plain-text.js';
import { parseSenseGapData, type SenseGapItem } from './sense-gap.js';
import { parseSquad, type SquadData } from './squad.js';
import { parseSst2, type Sst2Data } from './sst2.js';

export function pathReaders(readText: (path: string) => string) {
  return {
    readSst2: (path: string): Sst2Data => parseSst2(readText(path), path),
    readConll: (path: string, options?: ConllOptions): ConllData => parseConll(readText(path), path, options),
    readSquad: (path: string): SquadData => parseSquad(readText(path), path),
    readPlainText: (path: string): string[][] => parsePlainText(readText(path), path),
    readSenseGapData: (path: string): SenseGapItem[] => parseSenseGapData(readText(path), path),
    readClozeData: (path: string): ClozeItem[] => parseClozeData(readText(path), path),
  };
}
