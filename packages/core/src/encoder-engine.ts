/**
 * Which engine runs a loaded model's encoder (Node): tfjs in this process (every family) or ONNX
 * Runtime (BERT and DistilBERT encoders; see `onnx/ort-bert-encoder.ts`), or `auto`: ONNX Runtime
 * where it runs the model, tfjs elsewhere. Commands pass the user's choice to the loaders (the CLI's default is
 * `auto`, core's is `tfjs`); what differs between engines stays behind `BertEncoder`.
 */
import type { ContextualEmbedder } from './embed.js';
import { EncoderModel } from './models/encoder-model.js';
import { onnxRuntimeAvailable, onnxRuntimeBertEncoder } from './onnx/ort-bert-encoder.js';

export const ENCODER_ENGINES = ['auto', 'tfjs', 'onnxruntime'] as const;
export type EncoderEngine = (typeof ENCODER_ENGINES)[number];

export interface EngineOptions {
  /** Default 'tfjs'. */
  engine?: EncoderEngine;
  /** Threads of an engine that has its own pool (ONNX Runtime); default WB_THREADS, else the cores. */
  threads?: number;
  /** The caller will ask for attention probabilities, which only tfjs returns: auto then picks tfjs. */
  attentions?: boolean;
}

/** The families whose encoder ONNX Runtime runs: those whose forward pass is BERT's (`EncoderParts.asBert`). */
const ONNX_RUNTIME_FAMILIES = new Set(['bert', 'distilbert']);

/** The error for a model the engine cannot run, before anything is loaded. */
export function checkEngineRuns(family: string, options: EngineOptions, where: string): void {
  const engine = options.engine ?? 'tfjs';
  if (!(ENCODER_ENGINES as readonly string[]).includes(engine)) {
    throw new Error(`unknown engine "${engine}" (expected ${ENCODER_ENGINES.join(', ')})`);
  }
  if (engine === 'onnxruntime' && !ONNX_RUNTIME_FAMILIES.has(family)) {
    throw new Error(`${where}: the ${engine} engine runs BERT and DistilBERT encoders only, not ${family} models; use the tfjs engine (or auto)`);
  }
}

/** Gives a loaded model the engine asked for (tfjs: as loaded; auto: ONNX Runtime when it runs the model and loads). */
export async function useEngine<M extends ContextualEmbedder>(model: M, options: EngineOptions, where = 'model'): Promise<M> {
  checkEngineRuns(model.family, options, where);
  const engine = options.engine ?? 'tfjs';
  if (engine === 'tfjs' || !(model instanceof EncoderModel) || !model.asBert || !ONNX_RUNTIME_FAMILIES.has(model.family)) return model;
  if (engine === 'onnxruntime' || (!options.attentions && (await onnxRuntimeAvailable()))) {
    model.useEncoder(await onnxRuntimeBertEncoder(model.asBert.config, model.asBert.weights, { threads: options.threads }));
  }
  return model;
}

/** What runs a loaded model's encoder now: 'onnxruntime' or 'tfjs' (for reports and run records). */
export function encoderEngineOf(model: ContextualEmbedder): string {
  return model instanceof EncoderModel ? (model.encoder?.engine ?? 'tfjs') : 'tfjs';
}
