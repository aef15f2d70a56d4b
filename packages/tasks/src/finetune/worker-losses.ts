/** The module a fine-tuning gradient worker loads (`wb finetune --workers`): each task's loss, built from plain data (PreparedTask.workerLoss). */
export { classificationLossInWorker } from './classification-task.js';
export { tokenClassificationLossInWorker } from './token-task.js';
export { qaLossInWorker } from './qa-task.js';
