/** Node-only wrappers: read a file (strict UTF-8) and parse it, errors naming the path. */
import { parseClozeData, type ClozeItem } from './cloze.js';
import { parseConll, type ConllData, type ConllOptions } from './conll.js';
import { parseLabeledCsv, type LabeledCsvData, type LabeledCsvOptions } from './labeled-csv.js';
import { parsePlainText } from './plain-text.js';
import { parseSenseGapData, type SenseGapItem } from './sense-gap.js';
import { parseSquad, type SquadData } from './squad.js';
import { parseSst2, type Sst2Data } from './sst2.js';
import { readTextFile } from './text-file.js';

export function readSst2(path: string): Sst2Data {
  return parseSst2(readTextFile(path), path);
}

export function readLabeledCsv(path: string, options: LabeledCsvOptions): LabeledCsvData {
  return parseLabeledCsv(readTextFile(path), path, options);
}

export function readConll(path: string, options?: ConllOptions): ConllData {
  return parseConll(readTextFile(path), path, options);
}

export function readSquad(path: string): SquadData {
  return parseSquad(readTextFile(path), path);
}

export function readPlainText(path: string): string[][] {
  return parsePlainText(readTextFile(path), path);
}

export function readSenseGapData(path: string): SenseGapItem[] {
  return parseSenseGapData(readTextFile(path), path);
}

export function readClozeData(path: string): ClozeItem[] {
  return parseClozeData(readTextFile(path), path);
}
