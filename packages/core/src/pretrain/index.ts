export * from './bert-data.js';
export * from './bert-loss.js';
