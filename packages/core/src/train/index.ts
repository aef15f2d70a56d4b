export * from './rng.js';
export * from './adamw.js';
export * from './schedule.js';
export * from './clip.js';
export * from './freeze.js';
export * from './trainer.js';
