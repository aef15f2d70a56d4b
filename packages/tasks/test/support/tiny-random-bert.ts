/**
 * A very small random BERT with a handmade WordPiece vocabulary, for tests that need a model but
 * not a trained one (and no shared data): shapes, label alignment, training steps, freezing.
 */
import { BERT_DEFAULTS, BertTokenizer, initBertWeights, type BertConfig, type BertWeights } from '@wb/core';

export const VOCAB = [
  '[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]',
  'the', 'a', 'film', 'is', 'was', 'good', 'bad', 'great', 'awful', 'not', 'very', 'and', 'in', 'of', '.', ',', '-', '?',
  'johan', '##son', 'visited', 'mont', '##real', '1996', '08', '22', 'paris', 'berlin', 'met', 'anna', 'smith',
  'where', 'did', 'who', 'what', 'go', 'went', 'to', 'cafe', 'creme', 'ordered', 'she', 'he', 'then', 'later', 'city', 'capital',
  '東', '京', '日', '本', 'は', 'の', '首', '都', '𠮷', '野', '家', 'で', 'す', '。',
];

export function tinyTokenizer(): BertTokenizer {
  return BertTokenizer.fromVocab(VOCAB.join('\n') + '\n');
}

export function tinyConfig(overrides: Partial<BertConfig> = {}): BertConfig {
  return {
    ...BERT_DEFAULTS,
    vocabSize: VOCAB.length,
    hiddenSize: 16,
    numHiddenLayers: 2,
    numAttentionHeads: 2,
    intermediateSize: 32,
    maxPositionEmbeddings: 64,
    ...overrides,
  };
}

/** Encoder + pooler (no pretraining heads), seeded. */
export function tinyWeights(config: BertConfig, seed = 3): BertWeights {
  return initBertWeights(config, { pooler: true }, seed);
}
