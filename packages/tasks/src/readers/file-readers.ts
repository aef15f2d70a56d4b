/** Node-only: the path readers (`path-readers.ts`) on the file system, strict UTF-8, errors naming the path. */
import { parseLabeledCsv, type LabeledCsvData, type LabeledCsvOptions } from './labeled-csv.js';
import { pathReaders } from './path-readers.js';
import { readTextFile } from './text-file.js';

export const { readSst2, readConll, readSquad, readPlainText, readSenseGapData, readClozeData } = pathReaders(readTextFile);

export function readLabeledCsv(path: string, options: LabeledCsvOptions): LabeledCsvData {
  return parseLabeledCsv(readTextFile(path), path, options);
}
