/**
 * Which engine runs a loaded model's encoder (Node): tfjs in this process (the default, every
 * family) or ONNX Runtime (BERT encoders; see `onnx/ort-bert-encoder.ts`). Commands pass the
 * user's choice to the loaders; what differs between engines stays behind `BertEncoder`.
 */
import type { ContextualEmbedder } from './embed.js';
import { BertModel } from './models/bert-model.js';
import { onnxRuntimeBertEncoder } from './onnx/ort-bert-encoder.js';

export const ENCODER_ENGINES = ['tfjs', 'onnxruntime'] as const;
export type EncoderEngine = (typeof ENCODER_ENGINES)[number];

export interface EngineOptions {
  /** Default 'tfjs'. */
  engine?: EncoderEngine;
  /** Threads of an engine that has its own pool (ONNX Runtime); default WB_THREADS, else the cores. */
  threads?: number;
}

/** The error for a model the engine cannot run, before anything is loaded. */
export function checkEngineRuns(family: string, options: EngineOptions, where: string): void {
  const engine = options.engine ?? 'tfjs';
  if (!(ENCODER_ENGINES as readonly string[]).includes(engine)) {
    throw new Error(`unknown engine "${engine}" (expected ${ENCODER_ENGINES.join(' or ')})`);
  }
  if (engine !== 'tfjs' && family !== 'bert') {
    throw new Error(`${where}: the ${engine} engine runs BERT encoders only, not ${family} models; use the tfjs engine`);
  }
}

/** Gives a loaded model the engine asked for (tfjs: as loaded). */
export async function useEngine<M extends ContextualEmbedder>(model: M, options: EngineOptions, where = 'model'): Promise<M> {
  checkEngineRuns(model.family, options, where);
  if ((options.engine ?? 'tfjs') === 'onnxruntime' && model instanceof BertModel) {
    model.useEncoder(await onnxRuntimeBertEncoder(model.config, model.weights, { threads: options.threads }));
  }
  return model;
}
