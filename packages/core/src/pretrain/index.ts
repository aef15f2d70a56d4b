export * from './bert-data.js';
export * from './bert-loss.js';
export * from './gpt-data.js';
export * from './gpt-loss.js';
export * from './bert-eval.js';
export * from './elmo-loss.js';
