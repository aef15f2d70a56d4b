/**
 * What a fine-tuning gradient worker runs (`wb finetune --workers`): the task's loss named by
 * PreparedTask.workerLoss, on the plain training data that comes with it, scaled for the part of the
 * batch the worker computes (batch-parts.ts) as the main thread's own part is.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { BertWeights } from '@wb/core';
import { scaledPartLoss, type BatchPart } from './batch-parts.js';
import { classificationLoss } from './classification-task.js';
import { qaLoss } from './qa-task.js';
import { tokenClassificationLoss } from './token-task.js';

const TASK_LOSSES = { classificationLoss, tokenClassificationLoss, qaLoss };
export type TaskLossName = keyof typeof TASK_LOSSES;

export function partLossInWorker(setup: { loss: TaskLossName; data: unknown }) {
  const loss = TASK_LOSSES[setup.loss] as (weights: BertWeights, data: unknown, indices: readonly number[]) => tf.Scalar;
  return (params: BertWeights, part: BatchPart) => ({ loss: scaledPartLoss(loss(params, setup.data, part.indices), part) });
}
