/**
 * A ContextualEmbedder whose vectors the test writes down, so expected scores can be worked out
 * by hand without any model: `vectorsFor(words, index)` gives every layer of one word.
 */
import type { ContextualEmbedder, EmbeddedSentence, EmbedOptions } from '@wb/core';

export type VectorsFor = (words: readonly string[], index: number) => number[][];

export class StubEmbedder implements ContextualEmbedder {
  readonly family = 'elmo' as const;
  /** Every `embed` call's inputs, to check batching. */
  readonly calls: string[][][] = [];

  constructor(
    readonly numLayers: number,
    readonly dim: number,
    private readonly vectorsFor: VectorsFor,
  ) {}

  async embed(inputs: Array<string | string[]>, _options?: EmbedOptions): Promise<EmbeddedSentence[]> {
    const sentences = inputs.map((input) => (Array.isArray(input) ? input : input.split(' ')));
    this.calls.push(sentences);
    return sentences.map((words) => ({
      text: words.join(' '),
      words: words.map((word, i) => ({
        word,
        start: -1,
        end: -1,
        layers: this.vectorsFor(words, i).map((v) => Float32Array.from(v)),
      })),
    }));
  }
}
