export * from './bert-data.js';
export * from './bert-loss.js';
export * from './gpt-data.js';
export * from './gpt-loss.js';
