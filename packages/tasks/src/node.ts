// Everything in the browser-safe API plus the Node-only file readers.
export * from './index.js';
export * from './sense/load-data.js';
export * from './readers/text-file.js';
export * from './readers/file-readers.js';
export * from './finetune/task-data.js';
export * from './finetune/finetuned-folder.js';
export * from './finetune/run.js';
export * from './finetune/elmo-folder.js';
export * from './finetune/evaluate-folder.js';
