// Everything in the browser-safe API plus the Node-only file readers.
export * from './index.js';
export { readSensevalFolder, readWicSplit, wicSplits } from './sense/load-data.js';
export { readTextFile } from './readers/text-file.js';
export { readClozeData, readConll, readPlainText, readSenseGapData, readSquad, readSst2 } from './readers/file-readers.js';
export { readTaskData, type ColumnOptions, type TaskData } from './finetune/task-data.js';
export { loadFinetunedBert, type FinetunedBert } from './finetune/finetuned-folder.js';
export { finetune, type FinetuneOptions, type FinetuneSummary } from './finetune/run.js';
export { ELMO_HEAD_FILE, ELMO_TASK_FILE, loadFinetunedElmo, type ElmoTaskConfig, type FinetunedElmo } from './finetune/elmo-folder.js';
export {
  evaluateFolder,
  scoreFolder,
  type EvaluateFolderOptions,
  type FolderScores,
  type MajorityBaseline,
} from './finetune/evaluate-folder.js';
