/**
 * ElmoModel: words or text in, per-word vectors of every layer out (the ContextualEmbedder used by the
 * notebooks), plus any number of trainable ScalarMixes. The model family's LanguageModel.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EmbeddedSentence, EmbeddedWord, EmbedOptions } from '../../embed.js';
import { startEmbedding } from '../../work-progress.js';
import { unsupported, type FeatureOptions, type FillMaskPrediction, type Generation, type LanguageModel, type ModelInput, type TokenFeatures } from '../language-model.js';
import { basicTokenize } from '../../tokenize/basic.js';
import { batchToElmoCharIds, ELMoCharacterMapper } from '../../tokenize/elmo-chars.js';
import { elmoForward, type ElmoOutputs } from './bilm.js';
import { parseElmoOptions, type ElmoOptions } from './options.js';
import { ScalarMix } from './scalar-mix.js';
import { checkElmoWeights, type ElmoWeights } from './weights.js';

export interface ElmoModelOptions {
  /** ScalarMixes to create (AllenNLP's num_output_representations). */
  numOutputRepresentations?: number;
  doLayerNorm?: boolean;
}

export interface ElmoRepresentations {
  /** One [batch, time, 2P] tensor per ScalarMix. */
  representations: tf.Tensor3D[];
  mask: tf.Tensor2D;
}

export class ElmoModel implements LanguageModel {
  readonly family = 'elmo' as const;
  readonly objective = 'bilm' as const;
  /** Inputs may be pre-split words; texts are split by BERT's basic tokenizer. */
  readonly takesWords = true;
  /** Characters feed a convolution and the LSTMs run any length: no limit in tokens. */
  readonly maxLength = Number.POSITIVE_INFINITY;
  readonly mapper = new ELMoCharacterMapper();
  readonly scalarMixes: ScalarMix[] = [];
  readonly options: ElmoOptions;

  constructor(
    options: ElmoOptions,
    readonly weights: ElmoWeights,
    modelOptions: ElmoModelOptions = {},
  ) {
    this.options = parseElmoOptions(options);
    checkElmoWeights(weights, this.options);
    for (let k = 0; k < (modelOptions.numOutputRepresentations ?? 0); k++) {
      this.addScalarMix({ doLayerNorm: modelOptions.doLayerNorm });
    }
  }

  get numLayers(): number {
    return this.options.lstm.n_layers + 1;
  }

  get dim(): number {
    return 2 * this.options.lstm.projection_dim;
  }

  get parameterCount(): number {
    return Object.values(this.weights).reduce((n, t) => n + t.size, 0);
  }

  addScalarMix(options: { doLayerNorm?: boolean; initialScalarParameters?: number[]; trainable?: boolean } = {}): ScalarMix {
    const mix = new ScalarMix(this.numLayers, { ...options, name: `elmo/scalar_mix_${this.scalarMixes.length}` });
    this.scalarMixes.push(mix);
    return mix;
  }

  /** Character ids and mask of pre-tokenised sentences (padded to the longest). */
  charIds(sentences: string[][]): { charIds: tf.Tensor3D; mask: tf.Tensor2D; wordChars: number } {
    const { ids, shape, lengths, wordChars } = batchToElmoCharIds(sentences, this.mapper);
    const mask = new Float32Array(shape[0] * shape[1]);
    lengths.forEach((n, b) => mask.fill(1, b * shape[1], b * shape[1] + n));
    return { charIds: tf.tensor3d(ids, shape, 'int32'), mask: tf.tensor2d(mask, [shape[0], shape[1]]), wordChars };
  }

  /** All layers for a batch of pre-tokenised sentences. Dispose the result. */
  run(sentences: string[][]): ElmoOutputs {
    const { charIds, mask, wordChars } = this.charIds(sentences);
    try {
      return elmoForward(this.weights, this.options, charIds, mask, { wordChars });
    } finally {
      charIds.dispose();
      mask.dispose();
    }
  }

  /** Each ScalarMix applied to the layers (AllenNLP's elmo_representations, without dropout). */
  representations(sentences: string[][]): ElmoRepresentations {
    if (this.scalarMixes.length === 0) throw new Error('ElmoModel has no ScalarMix (pass numOutputRepresentations or call addScalarMix)');
    const { layers, mask } = this.run(sentences);
    const representations = this.scalarMixes.map((mix) => mix.apply(layers, mask) as tf.Tensor3D);
    tf.dispose(layers);
    return { representations, mask };
  }

  /** Words of a text with offsets (BERT's basic tokenizer, case kept). */
  splitWords(text: string): Array<{ text: string; start: number; end: number }> {
    return basicTokenize(text, { lowerCase: false });
  }

  async embed(inputs: Array<string | string[]>, options: EmbedOptions = {}): Promise<EmbeddedSentence[]> {
    const batchSize = Math.max(1, options.batchSize ?? 32);
    const prepared = inputs.map((input) => {
      if (typeof input === 'string') {
        const words = this.splitWords(input);
        return { text: input, words: words.map((w) => w.text), offsets: words.map((w) => [w.start, w.end] as const) };
      }
      return { text: input.join(' '), words: input, offsets: input.map(() => [-1, -1] as const) };
    });
    const results: EmbeddedSentence[] = [];
    const progress = startEmbedding(inputs.length);
    for (let start = 0; start < prepared.length; start += batchSize) {
      const chunk = prepared.slice(start, start + batchSize);
      const nonEmpty = chunk.filter((s) => s.words.length > 0);
      let values: Float32Array[] = [];
      let time = 0;
      if (nonEmpty.length > 0) {
        const { layers } = this.run(nonEmpty.map((s) => s.words));
        time = layers[0].shape[1];
        values = await Promise.all(layers.map((l) => l.data() as Promise<Float32Array>));
        tf.dispose(layers);
      }
      const D = this.dim;
      let row = 0;
      for (const sentence of chunk) {
        if (sentence.words.length === 0) {
          results.push({ text: sentence.text, words: [] });
          continue;
        }
        const b = row++;
        const words: EmbeddedWord[] = sentence.words.map((word, t) => ({
          word,
          start: sentence.offsets[t][0],
          end: sentence.offsets[t][1],
          layers: values.map((v) => v.slice((b * time + t) * D, (b * time + t + 1) * D)),
        }));
        results.push({ text: sentence.text, words });
      }
      progress.advance(chunk.length);
    }
    progress.finish();
    return results;
  }

  /** Per input its words, their offsets and every layer ([layers][words][2·dim]; the top one only without allLayers). */
  async features(inputs: ModelInput[], options: FeatureOptions = {}): Promise<TokenFeatures[]> {
    const sentences = await this.embed(inputs, { batchSize: options.batchSize });
    return sentences.map((sentence) => {
      const layers = Array.from({ length: this.numLayers }, (_, l) => sentence.words.map((w) => Array.from(w.layers[l])));
      return {
        tokens: sentence.words.map((w) => w.word),
        offsets: sentence.words.map((w) => [w.start, w.end] as [number, number]),
        hiddenStates: options.allLayers ? layers : layers.slice(-1),
      };
    });
  }

  async lmLogits(): Promise<{ ids: number[]; tokens: string[]; logits: number[][] }> {
    throw new Error('lmLogits: an ELMo reads characters and predicts words with its own softmax, which is not loaded as an LM head here');
  }

  async fillMask(): Promise<FillMaskPrediction[][]> {
    throw unsupported(this.family, this.objective, 'fill-mask');
  }

  async generate(): Promise<Generation> {
    throw unsupported(this.family, this.objective, 'generate');
  }

  dispose(): void {
    tf.dispose(Object.values(this.weights));
    for (const mix of this.scalarMixes) mix.dispose();
  }
}
