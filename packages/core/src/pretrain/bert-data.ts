/**
 * BERT's pretraining examples, made as Google's create_pretraining_data.py makes them: sentences of a
 * document packed up to a target length (10% of the time a shorter random one), cut in two at a
 * random sentence boundary; half the time segment B is the real continuation, half the time text
 * from a random other document (NSP label 1); the pair trimmed from a random end of the longer
 * segment; then 15% of the tokens (never [CLS]/[SEP]; optionally whole words) chosen for the masked LM:
 * 80% become [MASK], 10% a random token, 10% stay.
 *
 * One difference, for exact resumption: the original materialises `dupe_factor` shuffled passes over
 * the corpus; here each example is the chunk holding a sentence drawn uniformly from the whole corpus
 * (so documents are sampled in proportion to their length, as there), the document chunked from its
 * start as the original chunks it, all with a seeded `Rng`: the data position is the generator's state.
 */
import type { BertTokenizer } from '../tokenize/bert-tokenizer.js';
import type { Rng } from '../train/rng.js';

interface BertPretrainingOptions {
  maxLength: number;
  shortSeqProb?: number;
  maskedLmProb?: number;
  maxPredictions?: number;
  /**
   * What a chosen position becomes: `bert` is BERT's 80% [MASK] / 10% random / 10% unchanged;
   * `mask` always [MASK] (BabyBERTa; Wettig et al. 2023 at higher masking rates).
   */
  maskReplacement?: MaskReplacement;
  /**
   * Share of the visible tokens whose right neighbour is also visible that get a next-token label
   * (the auxiliary loss in bert-loss.ts); 0 draws none and leaves the random stream as BERT's.
   */
  neighborProb?: number;
  /**
   * Selection weight of each token id when drawing the masked positions (see mask-weights.ts);
   * without it every position is equally likely, as in BERT.
   */
  maskWeights?: Float32Array;
  /**
   * Whole-word masking (Google's `--do_whole_word_mask`, Hugging Face's DataCollatorForWholeWordMask):
   * 1 for each id that continues the word before it (WordPiece's `##` pieces), so that a word's
   * pieces are chosen together and a model never fills `##ad` by reading `bre` beside it. With
   * `maskWeights` a word's weight is the mean of its pieces'.
   */
  wordContinuation?: Uint8Array;
}

export type MaskReplacement = 'bert' | 'mask';

export interface SpecialIds {
  cls: number;
  sep: number;
  mask: number;
  pad: number;
  /** Ids below this are special tokens and never drawn as random replacements. */
  firstRegular: number;
  vocabSize: number;
}

/** A WordPiece tokenizer's special ids, with every special token (and [UNK]) below `firstRegular`. */
export function specialIdsOf(tokenizer: Pick<BertTokenizer, 'clsTokenId' | 'sepTokenId' | 'maskTokenId' | 'padTokenId' | 'unkTokenId' | 'vocabSize'>): SpecialIds {
  return {
    cls: tokenizer.clsTokenId,
    sep: tokenizer.sepTokenId,
    mask: tokenizer.maskTokenId,
    pad: tokenizer.padTokenId,
    firstRegular: Math.max(tokenizer.clsTokenId, tokenizer.sepTokenId, tokenizer.maskTokenId, tokenizer.padTokenId, tokenizer.unkTokenId) + 1,
    vocabSize: tokenizer.vocabSize,
  };
}

interface PretrainingInstance {
  ids: number[];
  tokenTypeIds: number[];
  /** 0: B follows A; 1: B is random. */
  nextSentenceLabel: number;
  maskedPositions: number[];
  /** The original ids at the masked positions. */
  maskedLabels: number[];
}

export interface PretrainingBatch {
  batchSize: number;
  seqLength: number;
  inputIds: Int32Array;
  tokenTypeIds: Int32Array;
  attentionMask: Float32Array;
  nextSentenceLabels: Int32Array;
  /** Flat indices (row * seqLength + position) of the masked tokens, and their labels. */
  maskedIndices: Int32Array;
  maskedLabels: Int32Array;
  /** Flat indices of visible tokens labelled with their right neighbour's id (empty unless neighborProb > 0). */
  neighborIndices: Int32Array;
  neighborLabels: Int32Array;
  /** Non-padding tokens. */
  tokens: number;
}

export class BertPretrainingData {
  readonly maxLength: number;
  readonly shortSeqProb: number;
  readonly maskedLmProb: number;
  readonly maxPredictions: number;
  readonly maskReplacement: MaskReplacement;
  readonly neighborProb: number;
  readonly maskWeights: Float32Array | undefined;
  readonly wordContinuation: Uint8Array | undefined;
  /** (document, sentence) of every sentence, to start examples uniformly over the corpus. */
  private readonly sentenceIndex: Array<[number, number]> = [];

  constructor(
    /** Documents as lists of tokenised sentences (WordPiece ids). */
    readonly documents: number[][][],
    readonly special: SpecialIds,
    options: BertPretrainingOptions,
  ) {
    this.maxLength = options.maxLength;
    this.shortSeqProb = options.shortSeqProb ?? 0.1;
    this.maskedLmProb = options.maskedLmProb ?? 0.15;
    this.maxPredictions = options.maxPredictions ?? Math.max(1, Math.round(options.maxLength * this.maskedLmProb));
    this.maskReplacement = options.maskReplacement ?? 'bert';
    this.neighborProb = options.neighborProb ?? 0;
    this.maskWeights = options.maskWeights;
    this.wordContinuation = options.wordContinuation;
    documents.forEach((doc, d) => doc.forEach((sentence, s) => sentence.length > 0 && this.sentenceIndex.push([d, s])));
    if (documents.length < 2 || this.sentenceIndex.length < 2) {
      throw new Error('pretraining data needs at least two documents with text (NSP draws random segments from other documents)');
    }
  }

  instance(rng: Rng): PretrainingInstance {
    const maxTokens = this.maxLength - 3;
    const [docIndex, picked] = this.sentenceIndex[rng.int(this.sentenceIndex.length)];
    const document = this.documents[docIndex];
    // Chunk the document from its start as the original does, and take the chunk holding the picked sentence.
    let chunk: number[][] = [];
    let target = maxTokens;
    for (let s = 0, length = 0; s < document.length; s++) {
      if (chunk.length === 0) target = rng.next() < this.shortSeqProb ? 2 + rng.int(maxTokens - 1) : maxTokens;
      chunk.push(document[s]);
      length += document[s].length;
      if (length >= target || s === document.length - 1) {
        if (s >= picked) break;
        chunk = [];
        length = 0;
      }
    }
    const aEnd = chunk.length >= 2 ? 1 + rng.int(chunk.length - 1) : 1;
    const tokensA = chunk.slice(0, aEnd).flat();
    let tokensB: number[];
    let isRandomNext: boolean;
    if (chunk.length === 1 || rng.next() < 0.5) {
      isRandomNext = true;
      const targetB = Math.max(1, target - tokensA.length);
      let other = docIndex;
      for (let tries = 0; tries < 10 && other === docIndex; tries++) other = rng.int(this.documents.length);
      const otherDoc = this.documents[other];
      tokensB = [];
      for (let s = rng.int(otherDoc.length); s < otherDoc.length && tokensB.length < targetB; s++) tokensB.push(...otherDoc[s]);
    } else {
      isRandomNext = false;
      tokensB = chunk.slice(aEnd).flat();
    }
    truncatePair(tokensA, tokensB, maxTokens, rng);
    if (tokensB.length === 0) tokensB.push(tokensA.pop() ?? this.special.sep);
    const ids = [this.special.cls, ...tokensA, this.special.sep, ...tokensB, this.special.sep];
    const tokenTypeIds = ids.map((_, i) => (i < tokensA.length + 2 ? 0 : 1));
    const { maskedPositions, maskedLabels } = this.mask(ids, rng);
    return { ids, tokenTypeIds, nextSentenceLabel: isRandomNext ? 1 : 0, maskedPositions, maskedLabels };
  }

  /**
   * create_masked_lm_predictions: order the candidates (single positions, or whole words) at random,
   * take them in that order while they fit the budget, then 80% [MASK] / 10% random / 10% kept (or
   * always [MASK]) per position. Mutates ids.
   */
  private mask(ids: number[], rng: Rng): { maskedPositions: number[]; maskedLabels: number[] } {
    const candidates: number[][] = [];
    ids.forEach((id, i) => {
      if (id === this.special.cls || id === this.special.sep) return;
      const previous = candidates.at(-1);
      if (this.wordContinuation?.[id] && previous?.at(-1) === i - 1) previous.push(i);
      else candidates.push([i]);
    });
    const count = Math.min(this.maxPredictions, Math.max(1, Math.round(ids.length * this.maskedLmProb)));
    const weights = this.maskWeights;
    const ordered = weights ? weightedSample(candidates, (word) => word.reduce((sum, i) => sum + weights[ids[i]], 0) / word.length, rng) : rng.shuffle(candidates);
    const chosen: number[] = [];
    for (const word of ordered) {
      if (chosen.length >= count) break;
      // As the original: a word that would overshoot the budget is skipped, a shorter one may still fit.
      if (chosen.length + word.length <= count) chosen.push(...word);
    }
    chosen.sort((a, b) => a - b);
    const maskedLabels = chosen.map((i) => ids[i]);
    for (const i of chosen) {
      if (this.maskReplacement === 'mask' || rng.next() < 0.8) ids[i] = this.special.mask;
      else if (rng.next() < 0.5) continue;
      else ids[i] = this.special.firstRegular + rng.int(this.special.vocabSize - this.special.firstRegular);
    }
    return { maskedPositions: chosen, maskedLabels };
  }

  /** `batchSize` instances padded to the longest of them. */
  batch(rng: Rng, batchSize: number): PretrainingBatch {
    const instances = Array.from({ length: batchSize }, () => this.instance(rng));
    const seqLength = Math.max(...instances.map((x) => x.ids.length));
    const inputIds = new Int32Array(batchSize * seqLength).fill(this.special.pad);
    const tokenTypeIds = new Int32Array(batchSize * seqLength);
    const attentionMask = new Float32Array(batchSize * seqLength);
    const maskedIndices: number[] = [];
    const maskedLabels: number[] = [];
    const neighborIndices: number[] = [];
    const neighborLabels: number[] = [];
    instances.forEach((x, row) => {
      inputIds.set(x.ids, row * seqLength);
      tokenTypeIds.set(x.tokenTypeIds, row * seqLength);
      attentionMask.fill(1, row * seqLength, row * seqLength + x.ids.length);
      x.maskedPositions.forEach((p, k) => {
        maskedIndices.push(row * seqLength + p);
        maskedLabels.push(x.maskedLabels[k]);
      });
      if (this.neighborProb > 0) {
        // Both tokens regular and not chosen for the masked LM (which may have replaced them at random).
        const chosen = new Set(x.maskedPositions);
        const visible = (p: number) => x.ids[p] >= this.special.firstRegular && !chosen.has(p);
        for (let p = 1; p + 1 < x.ids.length; p++) {
          if (visible(p) && visible(p + 1) && rng.next() < this.neighborProb) {
            neighborIndices.push(row * seqLength + p);
            neighborLabels.push(x.ids[p + 1]);
          }
        }
      }
    });
    return {
      batchSize,
      seqLength,
      inputIds,
      tokenTypeIds,
      attentionMask,
      nextSentenceLabels: Int32Array.from(instances, (x) => x.nextSentenceLabel),
      maskedIndices: Int32Array.from(maskedIndices),
      maskedLabels: Int32Array.from(maskedLabels),
      neighborIndices: Int32Array.from(neighborIndices),
      neighborLabels: Int32Array.from(neighborLabels),
      tokens: instances.reduce((n, x) => n + x.ids.length, 0),
    };
  }
}

/** truncate_seq_pair: drop tokens from the front or back (at random) of the longer segment. */
function truncatePair(a: number[], b: number[], maxTokens: number, rng: Rng): void {
  while (a.length + b.length > maxTokens) {
    const longer = a.length > b.length ? a : b;
    if (rng.next() < 0.5) longer.shift();
    else longer.pop();
  }
}

/**
 * `items` in a random order in which each comes next with probability proportional to its weight
 * among those left (Efraimidis & Spirakis 2006: ascending keys Exp(1) / weight).
 */
function weightedSample<T>(items: readonly T[], weight: (item: T) => number, rng: Rng): T[] {
  const keyed = items.map((item) => ({ item, key: -Math.log(1 - rng.next()) / weight(item) }));
  keyed.sort((a, b) => a.key - b.key);
  return keyed.map(({ item }) => item);
}

/** 1 for each vocabulary entry that continues the word before it (WordPiece's `##` pieces). */
export function wordPieceContinuations(vocab: readonly string[]): Uint8Array {
  return Uint8Array.from(vocab, (token) => (token.startsWith('##') ? 1 : 0));
}
