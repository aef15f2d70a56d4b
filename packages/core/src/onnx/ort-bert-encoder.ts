/**
 * BERT's encoder on ONNX Runtime (Node): our weights exported in memory by `bertToOnnx`, run by
 * `onnxruntime-node`'s CPU kernels on several threads, behind the same `BertEncoder` interface as
 * the tfjs path, so a model switches engine with `bert.useEncoder(...)` and nothing else changes.
 * Hidden states match the tfjs path within 1e-4 (test/onnx-engine.test.ts).
 *
 * onnxruntime-node is loaded only when this engine is asked for: its native binding should cost
 * nothing to the commands that do not use it, and never reaches the browser bundle.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { defaultThreadCount } from '../wasm-threads.js';
import type { BertConfig, BertOutputs, BertWeights } from '../models/bert.js';
import { checkedLayerCount, type BertBatch, type BertEncoder } from '../models/bert-encoder.js';
import { bertOnnxHiddenStateName, bertToOnnx } from '../models/bert-onnx.js';

interface OnnxRuntimeEncoderOptions {
  /** Intra-op threads (default: WB_THREADS, else the number of cores). */
  threads?: number;
  /**
   * Layers in ONNX Runtime's fused com.microsoft kernels (Attention, SkipLayerNormalization,
   * BiasGelu) rather than standard operators that its optimiser fuses itself (into SkipLayerNorm,
   * BiasGelu and FusedMatMul, but never into Attention). Default: true for erf-GELU models; in
   * bench/encoder.bench.mjs (`contrib_vs_standard_graph`) it was on par or faster, medians 1.0-1.1×.
   */
  contribOps?: boolean;
}

type OrtModule = typeof import('onnxruntime-node');

async function loadOnnxRuntime(): Promise<OrtModule> {
  try {
    const module = await import('onnxruntime-node');
    return ((module as unknown as { default?: OrtModule }).default ?? module) as OrtModule;
  } catch (error) {
    throw new Error(`the onnxruntime engine needs the onnxruntime-node package, which did not load: ${(error as Error).message}`, { cause: error });
  }
}

/** Whether onnxruntime-node loads here (its native binary exists for this platform), for the `auto` engine. */
export async function onnxRuntimeAvailable(): Promise<boolean> {
  try {
    await loadOnnxRuntime();
    return true;
  } catch {
    return false;
  }
}

/** The session options the engine and the benchmarks use: all graph optimisations, `threads` intra-op threads. */
export function onnxRuntimeSessionOptions(threads: number): InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  };
}

export async function onnxRuntimeBertEncoder(config: BertConfig, weights: BertWeights, options: OnnxRuntimeEncoderOptions = {}): Promise<BertEncoder> {
  const ort = await loadOnnxRuntime();
  const threads = options.threads ?? defaultThreadCount();
  const contribOps = options.contribOps ?? config.hiddenAct === 'gelu';
  const model = bertToOnnx(config, weights, { contribOps });
  const session = await ort.InferenceSession.create(model, onnxRuntimeSessionOptions(threads));
  const hasPooler = session.outputNames.includes('pooler_output');

  return {
    engine: 'onnxruntime',
    async encode(batch: BertBatch, encodeOptions = {}): Promise<BertOutputs> {
      if (encodeOptions.outputAttentions) {
        throw new Error('the onnxruntime engine does not return attention probabilities; use the tfjs engine for them');
      }
      const layers = checkedLayerCount(config, encodeOptions.layers);
      const shape = [batch.batch, batch.seq];
      const int64 = (values: ArrayLike<number>) => new ort.Tensor('int64', BigInt64Array.from(values as number[], (v) => BigInt(v)), shape);
      const feeds = {
        input_ids: int64(batch.inputIds),
        attention_mask: int64(batch.attentionMask),
        token_type_ids: int64(batch.tokenTypeIds),
      };
      const wanted = Array.from({ length: layers + 1 }, (_, i) => bertOnnxHiddenStateName(i));
      const withPooler = hasPooler && layers === config.numHiddenLayers;
      if (withPooler) wanted.push('pooler_output');
      const results = await session.run(feeds, wanted);
      const toTensor = (value: OrtTensor) => {
        const tensor = tf.tensor(value.data as Float32Array, value.dims as number[], 'float32');
        value.dispose();
        return tensor;
      };
      const hiddenStates = wanted.slice(0, layers + 1).map((name) => toTensor(results[name]) as tf.Tensor3D);
      const outputs: BertOutputs = { lastHiddenState: hiddenStates[layers], hiddenStates };
      if (withPooler) outputs.poolerOutput = toTensor(results.pooler_output) as tf.Tensor2D;
      for (const feed of Object.values(feeds)) feed.dispose();
      return outputs;
    },
    dispose() {
      void session.release();
    },
  };
}
