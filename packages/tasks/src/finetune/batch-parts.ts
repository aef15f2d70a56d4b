/**
 * One fine-tuning update shared out among the processes that compute it (`wb finetune --workers`):
 * the batch is cut into consecutive parts, one per process, and each part's mean loss is scaled so
 * that the trainer's mean over the parts is the mean over the whole batch, whatever the parts' sizes.
 * A task's loss may average over something other than its inputs (token classification: over the
 * labelled words), so the sizes are counted in the loss's own terms.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface BatchPart {
  /** Indices of training inputs. */
  indices: number[];
  /** parts × this part's loss terms / the batch's; 0 for a part the batch was too small to fill. */
  scale: number;
}

/** `indices` in `parts` consecutive parts; `lossTerms` counts what the loss averages over (default: the inputs). */
export function splitBatch(indices: readonly number[], parts: number, lossTerms: (indices: readonly number[]) => number = (i) => i.length): BatchPart[] {
  const n = indices.length;
  const total = lossTerms(indices);
  return Array.from({ length: parts }, (_, p) => {
    const part = indices.slice(Math.floor((p * n) / parts), Math.floor(((p + 1) * n) / parts));
    // A batch with fewer inputs than parts (an epoch's last) leaves some empty: they compute one input's loss at weight 0.
    if (part.length === 0) return { indices: [indices[0]], scale: 0 };
    return { indices: part, scale: total > 0 ? (parts * lossTerms(part)) / total : 1 };
  });
}

/** A part's mean loss, scaled as the part says. */
export function scaledPartLoss(meanLoss: tf.Scalar, part: BatchPart): tf.Scalar {
  return part.scale === 1 ? meanLoss : tf.mul(meanLoss, part.scale);
}
