/**
 * BERT's encoder as an ONNX model, from our weights: embeddings + LayerNorm, the post-LN layers,
 * every hidden state, and the pooler when the checkpoint has one. What `wb export onnx` writes
 * for Transformers.js and what the onnxruntime engine runs.
 *
 * - Inputs `input_ids`, `attention_mask`, `token_type_ids`: int64 [batch_size, sequence_length],
 *   both axes dynamic (Transformers.js feeds int64).
 * - Outputs `last_hidden_state`, `hidden_states.0` (embeddings) … `hidden_states.N` [batch, seq,
 *   hidden], and `pooler_output` [batch, hidden].
 * - Opset 17, standard operators only: LayerNormalization, exact erf GELU written as
 *   x·(1 + erf(x/√2))·0.5, the pattern ONNX Runtime fuses into its own BiasGelu kernel.
 *   Padded keys get -1e9 before the softmax, as `ops/attention.ts` does, so padded batches give
 *   the same values as the tfjs path.
 */
import * as tf from '@tensorflow/tfjs-core';
import { OnnxGraphBuilder, ONNX_FLOAT, ONNX_INT32, ONNX_INT64 } from '../onnx/graph-builder.js';
import { MASKED_SCORE } from '../ops/attention.js';
import { activationOf, type BertConfig, type BertWeights } from './bert.js';

const BERT_ONNX_OPSET = 17;
const MICROSOFT_DOMAIN = 'com.microsoft';

export function bertOnnxHiddenStateName(index: number): string {
  return `hidden_states.${index}`;
}

export interface BertOnnxOptions {
  /** Written into the model's metadata (e.g. the folder it came from). */
  source?: string;
  /**
   * Write each layer with ONNX Runtime's fused com.microsoft kernels (Attention with one packed
   * QKV weight, SkipLayerNormalization, BiasGelu) instead of standard operators. Such a file runs
   * only on ONNX Runtime; it is for the onnxruntime engine, not for export. Needs erf GELU.
   */
  contribOps?: boolean;
}

/** The encoder (no MLM/NSP heads) as a serialised ONNX ModelProto. */
export function bertToOnnx(config: BertConfig, weights: BertWeights, options: BertOnnxOptions = {}): Uint8Array {
  const activation = activationOf(config.hiddenAct);
  if (options.contribOps && !(activation.kind === 'gelu' && activation.approximate === 'erf')) {
    throw new Error(`ONNX export: contrib ops need hidden_act "gelu" (erf); this model uses "${config.hiddenAct}"`);
  }
  const g = new OnnxGraphBuilder('bert_encoder');
  const graph = new BertGraph(g, config, weights);
  const dims = ['batch_size', 'sequence_length'];
  const inputIds = g.input('input_ids', ONNX_INT64, dims);
  const attentionMask = g.input('attention_mask', ONNX_INT64, dims);
  const tokenTypeIds = g.input('token_type_ids', ONNX_INT64, dims);

  let hiddenState = graph.embeddings(inputIds, tokenTypeIds);
  const layerOf = options.contribOps ? graph.contribLayer(attentionMask) : graph.standardLayer(attentionMask);
  for (let layer = 0; layer < config.numHiddenLayers; layer++) {
    const isLast = layer === config.numHiddenLayers - 1;
    hiddenState = layerOf(layer, hiddenState, isLast ? 'last_hidden_state' : bertOnnxHiddenStateName(layer + 1));
  }
  // The last layer's output is `last_hidden_state`; its `hidden_states.N` twin is an Identity of it.
  const [alias, aliased] =
    config.numHiddenLayers > 0 ? [bertOnnxHiddenStateName(config.numHiddenLayers), 'last_hidden_state'] : ['last_hidden_state', hiddenState];
  g.node('Identity', [aliased], { exactOutputs: [alias] });

  const statesShape = ['batch_size', 'sequence_length', config.hiddenSize];
  g.output('last_hidden_state', ONNX_FLOAT, statesShape);
  for (let i = 0; i <= config.numHiddenLayers; i++) g.output(bertOnnxHiddenStateName(i), ONNX_FLOAT, statesShape);
  if (weights['pooler.dense.weight']) {
    graph.pooler('last_hidden_state', 'pooler_output');
    g.output('pooler_output', ONNX_FLOAT, ['batch_size', config.hiddenSize]);
  }

  return g.encode({
    opset: BERT_ONNX_OPSET,
    extraOpsets: options.contribOps ? { [MICROSOFT_DOMAIN]: 1 } : undefined,
    producerName: 'contextual-embeddings-workbench',
    docString: 'BERT encoder exported by `wb export onnx`',
    metadata: options.source ? { source: options.source } : undefined,
  });
}

/** The parts of the graph, each reading its weights by Hugging Face name. */
class BertGraph {
  constructor(
    private readonly g: OnnxGraphBuilder,
    private readonly config: BertConfig,
    private readonly weights: BertWeights,
  ) {}

  weight(name: string): string {
    const tensor = this.weights[name];
    if (!tensor) throw new Error(`ONNX export: the checkpoint has no ${name}`);
    return this.g.floatInitializer(name, tensor.shape, tensor.dataSync() as Float32Array);
  }

  /** x·W + b (W held as [in, out], as ONNX's MatMul wants it). */
  linear(x: string, prefix: string, hint: string): string {
    const { g } = this;
    return g.op('Add', [g.op('MatMul', [x, this.weight(`${prefix}.weight`)], undefined, `${hint}_matmul`), this.weight(`${prefix}.bias`)], undefined, hint);
  }

  /** LayerNorm over the last axis; its output is named exactly `output.exact` (a graph output) or after `output.hint`. */
  layerNorm(x: string, prefix: string, output: { exact: string } | { hint: string }): string {
    return this.g.node('LayerNormalization', [x, this.weight(`${prefix}.weight`), this.weight(`${prefix}.bias`)], {
      attributes: { axis: -1, epsilon: { float: this.config.layerNormEps } },
      ...('exact' in output ? { exactOutputs: [output.exact] } : { outputs: [output.hint] }),
    })[0];
  }

  /** Word + token type + position rows [0, seq), then LayerNorm: `hidden_states.0`. */
  embeddings(inputIds: string, tokenTypeIds: string): string {
    const { g } = this;
    const words = g.op('Gather', [this.weight('embeddings.word_embeddings.weight'), inputIds], { axis: 0 }, 'word_embeddings');
    const types = g.op('Gather', [this.weight('embeddings.token_type_embeddings.weight'), tokenTypeIds], { axis: 0 }, 'token_type_embeddings');
    const seqLength = g.op('Shape', [inputIds], { start: 1, end: 2 }, 'sequence_length');
    const zero = g.int64Initializer('zero', [1], [0]);
    const positions = g.op('Slice', [this.weight('embeddings.position_embeddings.weight'), zero, seqLength, zero], undefined, 'position_embeddings');
    const summed = g.op('Add', [g.op('Add', [words, types]), positions], undefined, 'embeddings_sum');
    return this.layerNorm(summed, 'embeddings.LayerNorm', { exact: bertOnnxHiddenStateName(0) });
  }

  /** A post-LN layer in standard operators; ONNX Runtime fuses it into SkipLayerNorm/BiasGelu/FusedMatMul. */
  standardLayer(attentionMask: string) {
    const { g, config } = this;
    const heads = config.numAttentionHeads;
    const headDim = config.hiddenSize / heads;
    // Additive mask [batch, 1, 1, seq]: 0 on real keys, -1e9 on padding.
    const keep = g.op('Cast', [attentionMask], { to: ONNX_FLOAT }, 'mask_float');
    const dropped = g.op('Sub', [g.floatConstant('one', 1), keep], undefined, 'mask_inverted');
    const scores = g.op('Mul', [dropped, g.floatConstant('masked_score', MASKED_SCORE)], undefined, 'mask_scores');
    const maskBias = g.op('Unsqueeze', [scores, g.int64Initializer('axes_1_2', [2], [1, 2])], undefined, 'mask_bias');
    const splitShape = g.int64Initializer('split_heads_shape', [4], [0, 0, heads, headDim]);
    const mergeShape = g.int64Initializer('merge_heads_shape', [3], [0, 0, config.hiddenSize]);
    const scale = g.floatConstant('sqrt_head_dim', Math.sqrt(headDim));
    const activation = activationOf(config.hiddenAct);

    return (layer: number, hidden: string, outputName: string): string => {
      const p = `encoder.layer.${layer}.`;
      const l = `layer${layer}`;
      const toHeads = (x: string, perm: number[], hint: string) =>
        g.op('Transpose', [g.op('Reshape', [x, splitShape], undefined, `${hint}_split`)], { perm }, hint);
      const q = toHeads(this.linear(hidden, `${p}attention.self.query`, `${l}_query`), [0, 2, 1, 3], `${l}_query_heads`);
      const kT = toHeads(this.linear(hidden, `${p}attention.self.key`, `${l}_key`), [0, 2, 3, 1], `${l}_key_heads_t`);
      const v = toHeads(this.linear(hidden, `${p}attention.self.value`, `${l}_value`), [0, 2, 1, 3], `${l}_value_heads`);
      const qk = g.op('Div', [g.op('MatMul', [q, kT], undefined, `${l}_qk`), scale], undefined, `${l}_scores`);
      const probs = g.op('Softmax', [g.op('Add', [qk, maskBias], undefined, `${l}_masked_scores`)], { axis: -1 }, `${l}_probs`);
      const context = g.op('Transpose', [g.op('MatMul', [probs, v], undefined, `${l}_context_heads`)], { perm: [0, 2, 1, 3] });
      const merged = g.op('Reshape', [context, mergeShape], undefined, `${l}_context`);
      const attended = this.linear(merged, `${p}attention.output.dense`, `${l}_attention_output`);
      const afterAttention = this.layerNorm(g.op('Add', [attended, hidden]), `${p}attention.output.LayerNorm`, { hint: `${l}_attention_norm` });
      const intermediate = activate(g, this.linear(afterAttention, `${p}intermediate.dense`, `${l}_intermediate`), activation, l);
      const output = this.linear(intermediate, `${p}output.dense`, `${l}_output`);
      return this.layerNorm(g.op('Add', [output, afterAttention]), `${p}output.LayerNorm`, { exact: outputName });
    };
  }

  /** A post-LN layer in ONNX Runtime's fused kernels: Attention, SkipLayerNormalization, BiasGelu. */
  contribLayer(attentionMask: string) {
    const { g, config } = this;
    const maskIndex = g.op('Cast', [attentionMask], { to: ONNX_INT32 }, 'mask_index');
    const epsilon = { float: config.layerNormEps };
    const microsoft = (opType: string, inputs: string[], attributes: Record<string, number | { float: number }>, outputs: { hint?: string; exact?: string }) =>
      g.node(opType, inputs, { domain: MICROSOFT_DOMAIN, attributes, ...(outputs.exact ? { exactOutputs: [outputs.exact] } : { outputs: [outputs.hint!] }) })[0];

    return (layer: number, hidden: string, outputName: string): string => {
      const p = `encoder.layer.${layer}.`;
      const l = `layer${layer}`;
      const self = ['query', 'key', 'value'].map((name) => `${p}attention.self.${name}`);
      const qkvWeight = this.packed(`${p}attention.self.qkv.weight`, self.map((name) => `${name}.weight`), 1);
      const qkvBias = this.packed(`${p}attention.self.qkv.bias`, self.map((name) => `${name}.bias`), 0);
      const context = microsoft(
        'Attention',
        [hidden, qkvWeight, qkvBias, maskIndex],
        { num_heads: config.numAttentionHeads, mask_filter_value: { float: MASKED_SCORE } },
        { hint: `${l}_context` },
      );
      const attended = g.op('MatMul', [context, this.weight(`${p}attention.output.dense.weight`)], undefined, `${l}_attention_output`);
      const afterAttention = microsoft(
        'SkipLayerNormalization',
        [attended, hidden, ...this.gammaBeta(`${p}attention.output.LayerNorm`), this.weight(`${p}attention.output.dense.bias`)],
        { epsilon },
        { hint: `${l}_attention_norm` },
      );
      const intermediate = g.op('MatMul', [afterAttention, this.weight(`${p}intermediate.dense.weight`)], undefined, `${l}_intermediate`);
      const activated = microsoft('BiasGelu', [intermediate, this.weight(`${p}intermediate.dense.bias`)], {}, { hint: `${l}_gelu` });
      const output = g.op('MatMul', [activated, this.weight(`${p}output.dense.weight`)], undefined, `${l}_output`);
      return microsoft(
        'SkipLayerNormalization',
        [output, afterAttention, ...this.gammaBeta(`${p}output.LayerNorm`), this.weight(`${p}output.dense.bias`)],
        { epsilon },
        { exact: outputName },
      );
    };
  }

  /** tanh(W·h[CLS] + b) as the output `name`. */
  pooler(lastHiddenState: string, name: string): void {
    const { g } = this;
    const cls = g.op('Gather', [lastHiddenState, g.int64Initializer('cls_index', [], [0])], { axis: 1 }, 'cls_state');
    g.node('Tanh', [this.linear(cls, 'pooler.dense', 'pooler_dense')], { exactOutputs: [name] });
  }

  private gammaBeta(prefix: string): [string, string] {
    return [this.weight(`${prefix}.weight`), this.weight(`${prefix}.bias`)];
  }

  /** Several weights concatenated along `axis` into one initializer (Q|K|V for the fused Attention). */
  private packed(name: string, parts: string[], axis: number): string {
    const tensors = parts.map((part) => {
      const tensor = this.weights[part];
      if (!tensor) throw new Error(`ONNX export: the checkpoint has no ${part}`);
      return tensor;
    });
    const joined = tf.concat(tensors, axis);
    const values = joined.dataSync() as Float32Array;
    const shape = joined.shape;
    joined.dispose();
    return this.g.floatInitializer(name, shape, values);
  }
}

/** The feed-forward activation in standard operators (erf GELU in the form ONNX Runtime's GeluFusion matches). */
function activate(g: OnnxGraphBuilder, x: string, activation: ReturnType<typeof activationOf>, prefix: string): string {
  if (activation.kind === 'relu') return g.op('Relu', [x], undefined, `${prefix}_relu`);
  if (activation.kind === 'silu') return g.op('Mul', [x, g.op('Sigmoid', [x])], undefined, `${prefix}_silu`);
  let inner: string;
  if (activation.approximate === 'erf') {
    inner = g.op('Erf', [g.op('Div', [x, g.floatConstant('sqrt_2', Math.SQRT2)])], undefined, `${prefix}_erf`);
  } else {
    // tanh(√(2/π)·(x + 0.044715·x³))
    const cube = g.op('Mul', [x, g.op('Mul', [x, x])]);
    const poly = g.op('Add', [x, g.op('Mul', [cube, g.floatConstant('gelu_coefficient', 0.044715)])]);
    inner = g.op('Tanh', [g.op('Mul', [poly, g.floatConstant('sqrt_2_over_pi', Math.sqrt(2 / Math.PI))])], undefined, `${prefix}_tanh`);
  }
  const onePlus = g.op('Add', [inner, g.floatConstant('one', 1)]);
  return g.op('Mul', [g.op('Mul', [x, onePlus]), g.floatConstant('half', 0.5)], undefined, `${prefix}_gelu`);
}
