/** BERT pretraining data (create_pretraining_data semantics) and a short run that learns and resumes exactly. */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/backend.js';
import { loadBert, loadBertCheckpoint, readModelTensors } from '../src/load.js';
import { BERT_DEFAULTS, initBertWeights } from '../src/models/bert.js';
import { BertPretrainingData, wordPieceContinuations } from '../src/pretrain/bert-data.js';
import { bertPretrainingLoss } from '../src/pretrain/bert-loss.js';
import { meanDirectionShare } from '../src/pretrain/isotropy.js';
import { subsamplingMaskWeights } from '../src/pretrain/mask-weights.js';
import { saveBertCheckpoint } from '../src/checkpoint/model-folder.js';
import { evaluateHeldOutMlm, heldOutBertBatches, unigramBaseline } from '../src/pretrain/bert-eval.js';
import { pretrainBert, type BertPretrainSettings } from '../src/pretrain/run-bert.js';
import { Rng } from '../src/train/rng.js';
import { linearWarmupDecay } from '../src/train/schedule.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const SPECIAL = { pad: 0, unk: 1, cls: 2, sep: 3, mask: 4, firstRegular: 5, vocabSize: 1000 };

/** 40 documents of 20–40 sentences of 4–15 regular ids (long, so few chunks are cut short by a document's end). */
function syntheticDocuments(): number[][][] {
  const rng = new Rng(3);
  return Array.from({ length: 40 }, () =>
    Array.from({ length: 20 + rng.int(21) }, () => Array.from({ length: 4 + rng.int(12) }, () => 5 + rng.int(995))),
  );
}

describe('BertPretrainingData', () => {
  const data = new BertPretrainingData(syntheticDocuments(), SPECIAL, { maxLength: 64 });

  it('builds [CLS] A [SEP] B [SEP] with segment ids and the length limit', () => {
    const rng = new Rng(1);
    for (let n = 0; n < 200; n++) {
      const x = data.instance(rng);
      expect(x.ids.length).toBeLessThanOrEqual(64);
      expect(x.ids[0]).toBe(SPECIAL.cls);
      expect(x.ids.at(-1)).toBe(SPECIAL.sep);
      const firstSep = x.ids.indexOf(SPECIAL.sep);
      expect(firstSep).toBeGreaterThan(1);
      expect(x.tokenTypeIds.slice(0, firstSep + 1).every((t) => t === 0)).toBe(true);
      expect(x.tokenTypeIds.slice(firstSep + 1).every((t) => t === 1)).toBe(true);
      expect(x.maskedPositions.every((p) => p !== 0 && p !== firstSep && p !== x.ids.length - 1)).toBe(true);
    }
  });

  it('with maskReplacement "mask" and 40% masking, every chosen token is [MASK] and 40% are chosen', () => {
    const always = new BertPretrainingData(syntheticDocuments(), SPECIAL, { maxLength: 64, maskedLmProb: 0.4, maskReplacement: 'mask' });
    expect(always.maxPredictions).toBe(26);
    const rng = new Rng(5);
    let tokens = 0;
    let chosen = 0;
    for (let i = 0; i < 500; i++) {
      const x = always.instance(rng);
      tokens += x.ids.length;
      chosen += x.maskedPositions.length;
      expect(x.maskedPositions.length).toBe(Math.min(26, Math.max(1, Math.round(x.ids.length * 0.4))));
      for (const p of x.maskedPositions) expect(x.ids[p]).toBe(SPECIAL.mask);
    }
    expect(chosen / tokens).toBeGreaterThan(0.38);
    expect(chosen / tokens).toBeLessThan(0.42);
  });

  it('with maskWeights draws positions in proportion to their weight, keeping the count', () => {
    // Every sentence alternates id 5 (weight 1) and id 6 (weight 1/4): one position per sequence at a
    // 1% masking rate is a 5 with probability 1 / (1 + 1/4) = 0.8 (uniformly: 0.5).
    const alternating = Array.from({ length: 10 }, () => Array.from({ length: 8 }, () => [5, 6, 5, 6, 5, 6]));
    const weights = new Float32Array(SPECIAL.vocabSize).fill(1);
    weights[6] = 0.25;
    const weighted = new BertPretrainingData(alternating, SPECIAL, { maxLength: 40, maskedLmProb: 0.01, maskReplacement: 'mask', maskWeights: weights });
    const rng = new Rng(4);
    let fives = 0;
    const draws = 4000;
    for (let n = 0; n < draws; n++) {
      const x = weighted.instance(rng);
      expect(x.maskedPositions).toHaveLength(1);
      fives += x.maskedLabels[0] === 5 ? 1 : 0;
    }
    // Sequences hold about as many 5s as 6s (the cut may leave one more of either), so 0.8 ± sampling noise.
    expect(fives / draws).toBeGreaterThan(0.77);
    expect(fives / draws).toBeLessThan(0.83);

    // At 40%, the count is the uniform draw's, and a near-zero weight is chosen only when nothing else is left.
    weights[6] = 1e-9;
    const heavy = new BertPretrainingData(alternating, SPECIAL, { maxLength: 40, maskedLmProb: 0.4, maskReplacement: 'mask', maskWeights: weights });
    for (let n = 0; n < 200; n++) {
      const x = heavy.instance(rng);
      expect(x.maskedPositions.length).toBe(Math.min(heavy.maxPredictions, Math.max(1, Math.round(x.ids.length * 0.4))));
      expect(x.maskedLabels.every((id) => id === 5)).toBe(true);
    }
  });

  it('with wordContinuation chooses whole words: a masked piece has every piece of its word masked', () => {
    // Ids 500–999 continue the word before them (## pieces), so the synthetic words are 1–n pieces long.
    const continuation = Uint8Array.from({ length: SPECIAL.vocabSize }, (_, id) => (id >= 500 ? 1 : 0));
    const words = new BertPretrainingData(syntheticDocuments(), SPECIAL, { maxLength: 64, maskedLmProb: 0.3, maskReplacement: 'mask', wordContinuation: continuation });
    const rng = new Rng(6);
    let chosen = 0;
    let budget = 0;
    let splitWordsMasked = 0;
    for (let n = 0; n < 500; n++) {
      const x = words.instance(rng);
      const original = [...x.ids];
      x.maskedPositions.forEach((p, k) => (original[p] = x.maskedLabels[k]));
      const masked = new Set(x.maskedPositions);
      const continues = (p: number) => p > 0 && continuation[original[p]] === 1 && original[p - 1] !== SPECIAL.cls && original[p - 1] !== SPECIAL.sep;
      for (const p of x.maskedPositions) {
        if (continues(p)) expect(masked.has(p - 1), `piece ${p} masked without the piece before it`).toBe(true);
        if (p + 1 < original.length && continues(p + 1)) expect(masked.has(p + 1), `piece ${p} masked without the piece after it`).toBe(true);
        if (continues(p)) splitWordsMasked++;
      }
      const count = Math.min(words.maxPredictions, Math.max(1, Math.round(x.ids.length * 0.3)));
      expect(x.maskedPositions.length).toBeLessThanOrEqual(count);
      chosen += x.maskedPositions.length;
      budget += count;
    }
    expect(splitWordsMasked).toBeGreaterThan(1000);
    // Words that would overshoot are skipped and shorter ones still fill in, so the budget is nearly spent.
    expect(chosen / budget).toBeGreaterThan(0.97);
  });

  it('wordPieceContinuations flags the ## pieces of a vocabulary', () => {
    expect([...wordPieceContinuations(['[PAD]', 'bre', '##ad', '#', '##'])]).toEqual([0, 0, 1, 0, 1]);
  });

  it('subsamplingMaskWeights is min(1, sqrt(t / frequency)) per id, 1 for ids never seen', () => {
    const documents = [[Array(90).fill(5), Array(9).fill(6)], [[7]]];
    const weights = subsamplingMaskWeights(documents, 10, 0.01);
    expect(weights[5]).toBeCloseTo(Math.sqrt(0.01 / 0.9), 6);
    expect(weights[6]).toBeCloseTo(Math.sqrt(0.01 / 0.09), 6);
    expect(weights[7]).toBe(1); // frequency 0.01 = t
    expect(weights[8]).toBe(1);
    expect(() => subsamplingMaskWeights(documents, 10, 0)).toThrow(/threshold must be > 0/);
  });

  it('masks 15% of tokens: 80% [MASK], 10% random, 10% unchanged; NSP is 50/50', () => {
    const rng = new Rng(2);
    let tokens = 0;
    let chosen = 0;
    let masked = 0;
    let kept = 0;
    let replaced = 0;
    let randomNext = 0;
    const n = 4000;
    for (let i = 0; i < n; i++) {
      const x = data.instance(rng);
      tokens += x.ids.length;
      chosen += x.maskedPositions.length;
      expect(x.maskedPositions.length).toBe(Math.min(data.maxPredictions, Math.max(1, Math.round(x.ids.length * 0.15))));
      x.maskedPositions.forEach((p, k) => {
        if (x.ids[p] === SPECIAL.mask) masked++;
        else if (x.ids[p] === x.maskedLabels[k]) kept++;
        else replaced++;
      });
      randomNext += x.nextSentenceLabel;
    }
    // Rounding per example (and at least one) puts the overall rate a little above 15%.
    expect(chosen / tokens).toBeGreaterThan(0.145);
    expect(chosen / tokens).toBeLessThan(0.16);
    expect(masked / chosen).toBeCloseTo(0.8, 1.5);
    // A random replacement can draw the original id (1 in 995), so "kept" is a hair above 10%.
    expect(kept / chosen).toBeGreaterThan(0.09);
    expect(kept / chosen).toBeLessThan(0.11);
    expect(replaced / chosen).toBeGreaterThan(0.09);
    expect(replaced / chosen).toBeLessThan(0.11);
    expect(randomNext / n).toBeGreaterThan(0.47);
    expect(randomNext / n).toBeLessThan(0.53);
  });

  it('makes some short sequences (short_seq_prob) and mostly full ones', () => {
    const rng = new Rng(5);
    const lengths = Array.from({ length: 2000 }, () => data.instance(rng).ids.length);
    // 10% get a target uniform in [2, 61], so about 5% are under 32 tokens; document ends add a few.
    const short = lengths.filter((l) => l < 32).length / lengths.length;
    expect(short).toBeGreaterThan(0.02);
    expect(short).toBeLessThan(0.12);
  });

  it('pads a batch to its longest example and points the masked indices at the right rows', () => {
    const batch = data.batch(new Rng(9), 4);
    expect(batch.inputIds.length).toBe(4 * batch.seqLength);
    for (const index of batch.maskedIndices) expect(batch.attentionMask[index]).toBe(1);
  });

  it('labels visible tokens with their right neighbour at the asked-for rate, and draws nothing extra when off', () => {
    const withNeighbors = new BertPretrainingData(syntheticDocuments(), SPECIAL, { maxLength: 64, maskedLmProb: 0.3, maskReplacement: 'mask', neighborProb: 0.3 });
    const batch = withNeighbors.batch(new Rng(9), 16);
    const masked = new Set(batch.maskedIndices);
    let eligible = 0;
    for (let i = 0; i < batch.inputIds.length - 1; i++) {
      const visible = (j: number) => batch.inputIds[j] >= SPECIAL.firstRegular && !masked.has(j);
      if (i % batch.seqLength < batch.seqLength - 1 && visible(i) && visible(i + 1)) eligible++;
    }
    expect(batch.neighborIndices.length / eligible).toBeGreaterThan(0.2);
    expect(batch.neighborIndices.length / eligible).toBeLessThan(0.4);
    batch.neighborIndices.forEach((index, k) => {
      expect(masked.has(index) || masked.has(index + 1)).toBe(false);
      expect(batch.inputIds[index]).toBeGreaterThanOrEqual(SPECIAL.firstRegular);
      expect(batch.neighborLabels[k]).toBe(batch.inputIds[index + 1]);
    });
    // Off, the batch and the generator's state are what they were before the option existed.
    const rngOff = new Rng(9);
    const off = new BertPretrainingData(syntheticDocuments(), SPECIAL, { maxLength: 64 }).batch(rngOff, 4);
    const rngPlain = new Rng(9);
    const plain = data.batch(rngPlain, 4);
    expect(off.neighborIndices.length).toBe(0);
    expect(Array.from(off.inputIds)).toEqual(Array.from(plain.inputIds));
    expect(rngOff.state).toBe(rngPlain.state);
  });
});

describe('pretrainBert', () => {
  const root = mkdtempSync(join(tmpdir(), 'wb-pretrain-'));
  const corpus = join(root, 'corpus');
  mkdirSync(corpus);
  const words = 'the bank of the river was steep and the water ran fast past the old mill'.split(' ');
  const money = 'she paid the money into the bank and the clerk counted every coin twice'.split(' ');
  const docs: string[] = [];
  for (let d = 0; d < 12; d++) {
    const source = d % 2 ? words : money;
    docs.push(Array.from({ length: 4 }, (_, s) => source.slice(s, s + 8 + (d % 3)).join(' ')).join('\n'));
  }
  writeFileSync(join(corpus, 'tiny.txt'), docs.join('\n\n') + '\n');
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...new Set([...words, ...money])];
  writeFileSync(join(root, 'vocab.txt'), vocab.join('\n') + '\n');
  const settings: BertPretrainSettings = {
    corpus,
    vocab: join(root, 'vocab.txt'),
    layers: 2,
    hidden: 32,
    heads: 2,
    intermediate: 64,
    maxLength: 32,
    batchSize: 8,
    accumulation: 1,
    steps: 24,
    lr: 3e-3,
    warmup: 2,
    weightDecay: 0.01,
    maxGradNorm: 1,
    seed: 11,
    maskProb: 0.15,
    maskReplacement: 'bert',
    maskSubsample: 0,
    wholeWordMask: false,
    nspWeight: 1,
    neighborWeight: 0,
    isotropyWeight: 0,
    positionInit: 'normal',
    attentionInit: 'normal',
  };

  it('lowers the loss, writes a loadable checkpoint, and resumes bit for bit after a stop', async () => {
    const straight = join(root, 'straight');
    const run = await pretrainBert(straight, settings, { checkpointEvery: 8 });
    const history = run.trainer.state.history;
    const mean = (rs: typeof history) => rs.reduce((s, r) => s + r.loss, 0) / rs.length;
    expect(mean(history.slice(-4))).toBeLessThan(mean(history.slice(0, 4)) - 0.5);

    const model = await loadBert(straight);
    expect(model.config.numHiddenLayers).toBe(2);
    const [predictions] = await model.fillMask('the bank of the [MASK] was steep', { topK: 3 });
    expect(predictions).toHaveLength(3);
    model.dispose();

    // "Killed" after step 10: the last saved state is step 8; resuming redoes 9–24.
    const interrupted = join(root, 'interrupted');
    const stopped = await pretrainBert(interrupted, settings, { checkpointEvery: 8, stopAfter: 10 });
    expect(stopped.stopped).toBe(true);
    tf.dispose(Object.values(stopped.trainer.options.params));
    // Unfinished, the folder already holds the model of its last checkpoint (step 8, not 10), and no training.json.
    const atStep8 = join(root, 'at-step-8');
    tf.dispose(Object.values((await pretrainBert(atStep8, settings, { checkpointEvery: 8, stopAfter: 8 })).trainer.options.params));
    expect(Buffer.compare(readFileSync(join(atStep8, 'model.safetensors')), readFileSync(join(interrupted, 'model.safetensors')))).toBe(0);
    expect(existsSync(join(interrupted, 'training.json'))).toBe(false);
    const midRun = await loadBert(interrupted);
    const [midRunPredictions] = await midRun.fillMask('the bank of the [MASK] was steep', { topK: 3 });
    expect(midRunPredictions).toHaveLength(3);
    midRun.dispose();
    await pretrainBert(interrupted, settings, { checkpointEvery: 8, resume: true });
    expect(Buffer.compare(readFileSync(join(straight, 'model.safetensors')), readFileSync(join(interrupted, 'model.safetensors')))).toBe(0);
    const curve = (dir: string) => readFileSync(join(dir, 'loss.csv'), 'utf8').split('\n').map((l) => l.split(',').slice(0, 4).join());
    expect(curve(interrupted)).toEqual(curve(straight));
  });

  it('evaluates held-out masked-LM loss into eval.csv without changing the weights, and keeps the curve across a resume', async () => {
    const heldOutCorpus = join(root, 'held-out');
    mkdirSync(heldOutCorpus, { recursive: true });
    writeFileSync(join(heldOutCorpus, 'other.txt'), `${money.slice(2).join(' ')}\n${words.slice(1).join(' ')}\n\n${words.slice(3).join(' ')}\n${money.join(' ')}\n`);
    const short = { ...settings, steps: 6 };
    const plain = join(root, 'no-eval');
    await pretrainBert(plain, short, { checkpointEvery: 2 });
    const evaluated = join(root, 'eval');
    const run = await pretrainBert(evaluated, { ...short, evalCorpus: heldOutCorpus, evalEvery: 2 }, { checkpointEvery: 2 });
    expect(Buffer.compare(readFileSync(join(plain, 'model.safetensors')), readFileSync(join(evaluated, 'model.safetensors')))).toBe(0);
    const rows = (dir: string) => readFileSync(join(dir, 'eval.csv'), 'utf8').trim().split('\n');
    const straight = rows(evaluated);
    expect(straight[0]).toBe('step,tokens,mlm_loss,mlm_accuracy,nsp_accuracy');
    expect(straight.slice(1).map((r) => Number(r.split(',')[0]))).toEqual([2, 4, 6]);
    const summary = run.summary!.heldOut as { unigramLoss: number; mlmLoss: number; maskedTokens: number };
    expect(summary.mlmLoss).toBeCloseTo(Number(straight[3].split(',')[2]), 10);
    expect(summary.maskedTokens).toBeGreaterThan(0);
    // Stopped after step 3 (state saved at 2), resumed: the rows up to step 2 stay, 4 and 6 are redone, equal.
    const resumed = join(root, 'eval-resumed');
    await pretrainBert(resumed, { ...short, evalCorpus: heldOutCorpus, evalEvery: 2 }, { checkpointEvery: 2, stopAfter: 3 });
    await pretrainBert(resumed, { ...short, evalCorpus: heldOutCorpus, evalEvery: 2 }, { checkpointEvery: 2, resume: true });
    expect(rows(resumed)).toEqual(straight);
  });

  it('scores an untrained BERT near ln(vocab) on held-out masks, and the unigram baseline by hand', () => {
    const documents = syntheticDocuments();
    const batches = heldOutBertBatches(documents, SPECIAL, 64, 64, 16);
    expect(batches.map((b) => b.batchSize)).toEqual([16, 16, 16, 16]);
    // Always [MASK], 15% of each example.
    for (const b of batches) for (const i of b.maskedIndices) expect(b.inputIds[i]).toBe(SPECIAL.mask);
    const config = { ...BERT_DEFAULTS, vocabSize: 1000, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 64, maxPositionEmbeddings: 64 };
    const weights = initBertWeights(config, { pooler: true, mlm: true, nsp: true }, 5);
    const scored = evaluateHeldOutMlm(weights, config, batches);
    tf.dispose(Object.values(weights));
    expect(scored.mlmLoss).toBeGreaterThan(Math.log(1000) - 0.1);
    expect(scored.mlmLoss).toBeLessThan(Math.log(1000) + 0.1);
    expect(scored.maskedTokens).toBe(batches.reduce((n, b) => n + b.maskedLabels.length, 0));
    // Token 5 seen 3 times, token 6 once, in a vocabulary of 8 (add-one): p(5) = 4/12, p(6) = 2/12.
    const batch = { ...batches[0], maskedLabels: Int32Array.from([5, 6]) };
    expect(unigramBaseline([[[5, 5, 6], [5]]], 8, [batch])).toBeCloseTo(-(Math.log(4 / 12) + Math.log(2 / 12)) / 2, 12);
  });

  it('resumes a run started when vocabSha was an FNV-1a hash, and refuses one with another vocabulary', async () => {
    const vocabText = readFileSync(settings.vocab, 'utf8');
    // The 32-bit FNV-1a that runs recorded as vocabSha before it became sha256, worked out here independently.
    const fnv = (text: string) => {
      let h = 0x811c9dc5;
      for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
      return h.toString(16);
    };
    const statePath = (dir: string) => join(dir, 'train-state', 'state.json');
    const recordVocabSha = (dir: string, value: string) => {
      const pointer = JSON.parse(readFileSync(statePath(dir), 'utf8'));
      pointer.settings.vocabSha = value;
      writeFileSync(statePath(dir), JSON.stringify(pointer));
    };
    const dir = join(root, 'legacy-vocab-sha');
    await pretrainBert(dir, { ...settings, steps: 4 }, { checkpointEvery: 2, stopAfter: 2 });
    expect(JSON.parse(readFileSync(statePath(dir), 'utf8')).settings.vocabSha).toBe(createHash('sha256').update(vocabText).digest('hex'));

    recordVocabSha(dir, fnv(vocabText + 'another word\n'));
    await expect(pretrainBert(dir, { ...settings, steps: 4 }, { resume: true })).rejects.toThrow(/different settings \(vocabSha: was "[0-9a-f]{1,8}", now "[0-9a-f]{64}"\)/);

    recordVocabSha(dir, fnv(vocabText));
    const resumed = await pretrainBert(dir, { ...settings, steps: 4 }, { resume: true });
    expect(resumed.stopped).toBe(false);
    expect(resumed.trainer.state.step).toBe(4);
    // Saved again with the sha256, so the next resume needs no FNV.
    expect(JSON.parse(readFileSync(statePath(dir), 'utf8')).settings.vocabSha).toBe(createHash('sha256').update(vocabText).digest('hex'));
  });

  it('with maskSubsample, the masked positions favour rare tokens: another run, recorded as such', async () => {
    const uniform = await pretrainBert(join(root, 'mask-uniform'), { ...settings, steps: 2 });
    const subsampled = await pretrainBert(join(root, 'mask-subsampled'), { ...settings, steps: 2, maskSubsample: 1e-2 });
    expect(subsampled.trainer.state.history[0].loss).not.toBe(uniform.trainer.state.history[0].loss);
    expect(JSON.parse(readFileSync(join(root, 'mask-subsampled', 'training.json'), 'utf8')).settings.maskSubsample).toBe(1e-2);
  });

  it('with wholeWordMask, the pieces of split words are masked together: another run, recorded as such', async () => {
    // A vocabulary that splits two words into pieces (count ##ed, tw ##ice), so whole words differ from single tokens.
    const splitVocab = join(root, 'vocab-split.txt');
    writeFileSync(splitVocab, [...vocab.filter((w) => w !== 'counted' && w !== 'twice'), 'count', '##ed', 'tw', '##ice'].join('\n') + '\n');
    const pieces = await pretrainBert(join(root, 'mask-pieces'), { ...settings, vocab: splitVocab, steps: 2 });
    const words = await pretrainBert(join(root, 'mask-words'), { ...settings, vocab: splitVocab, steps: 2, wholeWordMask: true });
    expect(words.trainer.state.history[0].loss).not.toBe(pieces.trainer.state.history[0].loss);
    expect(JSON.parse(readFileSync(join(root, 'mask-words', 'training.json'), 'utf8')).settings.wholeWordMask).toBe(true);
  });

  it('refuses to resume with different settings', async () => {
    const dir = join(root, 'changed');
    const statePath = join(dir, 'train-state', 'state.json');
    await pretrainBert(dir, { ...settings, steps: 4 }, { checkpointEvery: 2, stopAfter: 2 });
    await expect(pretrainBert(dir, { ...settings, steps: 4, hidden: 16 }, { resume: true })).rejects.toThrow(/different settings.*hidden: was 32, now 16/);
    // Every setting is recorded, the defaults too.
    const saved = JSON.parse(readFileSync(statePath, 'utf8'));
    expect(saved.settings).toMatchObject({ positionInit: 'normal', attentionInit: 'normal', neighborWeight: 0, maskSubsample: 0, wholeWordMask: false });
    // A run saved before the init settings existed (none recorded) started from BERT's init: it resumes
    // with the defaults and refuses another init or masking.
    for (const key of ['positionInit', 'attentionInit', 'neighborWeight', 'maskSubsample', 'wholeWordMask']) delete saved.settings[key];
    writeFileSync(statePath, JSON.stringify(saved));
    await expect(pretrainBert(dir, { ...settings, steps: 4, attentionInit: 'mimetic' }, { resume: true })).rejects.toThrow(/different settings \(attentionInit: was undefined, now "mimetic"\)/);
    await expect(pretrainBert(dir, { ...settings, steps: 4, maskSubsample: 1e-2 }, { resume: true })).rejects.toThrow(/different settings \(maskSubsample: was undefined, now 0.01\)/);
    await expect(pretrainBert(dir, { ...settings, steps: 4, wholeWordMask: true }, { resume: true })).rejects.toThrow(/different settings \(wholeWordMask: was undefined, now true\)/);
    const resumed = await pretrainBert(dir, { ...settings, steps: 4 }, { resume: true });
    expect(resumed.trainer.state.step).toBe(4);
  });

  it('continues pretraining a checkpoint (initFrom): its architecture and weights, with its own vocabulary or one that extends it', async () => {
    const base = join(root, 'base');
    await pretrainBert(base, { ...settings, steps: 4 });
    const continued = join(root, 'continued');
    // A learning rate too small to move a weight: the saved model is the checkpoint it started from.
    const run = await pretrainBert(continued, { ...settings, layers: 1, hidden: 16, initFrom: base, steps: 1, warmup: 1, lr: 1e-12, seed: 12 });
    expect([run.config.numHiddenLayers, run.config.hiddenSize]).toEqual([2, 32]);
    const recorded = JSON.parse(readFileSync(join(continued, 'training.json'), 'utf8')).settings;
    expect([recorded.layers, recorded.hidden, recorded.initFrom]).toEqual([2, 32, base]);
    const before = readModelTensors(base);
    const after = readModelTensors(continued);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [name, t] of before) {
      const a = after.get(name)!.data as Float32Array;
      const b = t.data as Float32Array;
      expect(Math.max(...a.map((x, i) => Math.abs(x - b[i]))), name).toBeLessThan(1e-6);
    }

    // A vocabulary that starts with the checkpoint's grows it: each new row is the mean of its old
    // pieces' rows ("##bank" continues the word "bank"; "zzz" is all [UNK], so the mean row).
    const extendedVocab = join(root, 'extended-vocab.txt');
    writeFileSync(extendedVocab, readFileSync(settings.vocab, 'utf8') + '##bank\nzzz\n');
    const grown = join(root, 'grown');
    const logs: string[] = [];
    const extended = await pretrainBert(grown, { ...settings, vocab: extendedVocab, initFrom: base, steps: 1, warmup: 1, lr: 1e-12 }, { onLog: (m) => logs.push(m) });
    expect(logs.join('\n')).toContain(`vocabulary extended by 2 tokens to ${vocab.length + 2}`);
    expect(extended.config.vocabSize).toBe(vocab.length + 2);
    const grownTensors = readModelTensors(grown);
    const rows = (t: { data: unknown; shape: number[] }, width: number) =>
      Array.from({ length: t.shape[0] }, (_, i) => Array.from((t.data as Float32Array).slice(i * width, (i + 1) * width)));
    for (const [name, width] of [['bert.embeddings.word_embeddings.weight', 32], ['cls.predictions.bias', 1]] as const) {
      const old = rows(before.get(name)!, width);
      const now = rows(grownTensors.get(name)!, width);
      expect(now, name).toHaveLength(vocab.length + 2);
      old.forEach((row, i) => row.forEach((v, k) => expect(now[i][k]).toBeCloseTo(v, 5)));
      old[vocab.indexOf('bank')].forEach((v, k) => expect(now[vocab.length][k], `${name} ##bank`).toBeCloseTo(v, 5));
      const mean = old[0].map((_, k) => old.reduce((sum, row) => sum + row[k], 0) / old.length);
      mean.forEach((v, k) => expect(now[vocab.length + 1][k], `${name} zzz`).toBeCloseTo(v, 5));
    }
    const otherVocab = join(root, 'other-vocab.txt');
    writeFileSync(otherVocab, readFileSync(settings.vocab, 'utf8').replace('river', 'stream'));
    await expect(pretrainBert(join(root, 'wrong-vocab'), { ...settings, vocab: otherVocab, initFrom: base })).rejects.toThrow(
      `--vocab ${otherVocab} is not the vocabulary of --init-from ${base} nor an extension of it (line ${vocab.indexOf('river') + 1}: the checkpoint's vocab.txt has "river", this vocabulary has "stream"`,
    );
    await expect(pretrainBert(join(root, 'sinusoids'), { ...settings, initFrom: base, positionInit: 'sinusoidal' })).rejects.toThrow(/only shape a random start/);
    // An encoder without the pretraining heads (a BertModel folder) has nothing to continue them from.
    const encoderOnly = join(root, 'encoder-only');
    const full = loadBertCheckpoint(base);
    const withoutHeads = Object.fromEntries(Object.entries(full.weights).filter(([name]) => !name.startsWith('cls.')));
    saveBertCheckpoint(encoderOnly, { config: full.config, weights: withoutHeads, vocab: readFileSync(settings.vocab, 'utf8').trimEnd().split('\n') });
    await expect(pretrainBert(join(root, 'from-encoder'), { ...settings, initFrom: encoderOnly })).rejects.toThrow(
      /not a BertForPreTraining checkpoint \(no cls\.predictions\.transform\.dense\.weight, .*cls\.seq_relationship\.bias\)/,
    );
  });

  it('computes micro-batches on worker threads (workers) with the same weights as one thread, and resumes with an update split otherwise', async () => {
    // Three micro-batches of 4 per update: this thread takes the 1st and 3rd, the worker the 2nd.
    const split = { ...settings, batchSize: 4, accumulation: 3, steps: 6 };
    const alone = await pretrainBert(join(root, 'one-thread'), split);
    const parallel = await pretrainBert(join(root, 'two-threads'), { ...split, workers: 1 });
    expect(parallel.trainer.options.helpers?.count).toBe(1);
    expect(Buffer.compare(readFileSync(join(root, 'one-thread', 'model.safetensors')), readFileSync(join(root, 'two-threads', 'model.safetensors')))).toBe(0);
    expect(parallel.trainer.state.history).toEqual(alone.trainer.state.history.map((r, i) => ({ ...r, elapsed: parallel.trainer.state.history[i].elapsed })));
    await expect(pretrainBert(join(root, 'too-few'), { ...split, accumulation: 1, workers: 1 })).rejects.toThrow(
      '--workers 1 needs --accumulation 2 or more: this thread and each worker compute whole micro-batches of an update (e.g. --batch-size 16 --accumulation 2 for 32 examples per update on two)',
    );

    // A run of 12 × 1 continued as 4 × 3 (to share its updates between workers): the same examples
    // per update, recorded; another number of examples per update is refused.
    const dir = join(root, 'resplit');
    await pretrainBert(dir, { ...split, batchSize: 12, accumulation: 1 }, { checkpointEvery: 2, stopAfter: 2 });
    await expect(pretrainBert(dir, { ...split, batchSize: 4, accumulation: 2 }, { resume: true })).rejects.toThrow(
      /different settings \(batchSize: was 12, now 4; accumulation: was 1, now 2\)/,
    );
    const logs: string[] = [];
    const resumed = await pretrainBert(dir, { ...split, workers: 1 }, { resume: true, onLog: (m) => logs.push(m) });
    expect(logs.join('\n')).toContain('updates of 12 × 1 examples are now 4 × 3 (training.json records the change)');
    expect(resumed.trainer.state.step).toBe(6);
    const summary = JSON.parse(readFileSync(join(dir, 'training.json'), 'utf8'));
    expect(summary.batchSplitChanges).toEqual([{ atStep: 2, from: { batchSize: 12, accumulation: 1 }, to: { batchSize: 4, accumulation: 3 } }]);
  });

  it('resumes with another --steps: the learning rate follows the new total from there, and training.json records the change', async () => {
    const dir = join(root, 'extended');
    await pretrainBert(dir, { ...settings, steps: 4 }, { checkpointEvery: 2, stopAfter: 2 });
    await expect(pretrainBert(dir, { ...settings, steps: 2 }, { resume: true })).rejects.toThrow(/at step 2 already; --steps 2 would end it before it resumes/);
    const logs: string[] = [];
    const extended = await pretrainBert(dir, { ...settings, steps: 6 }, { resume: true, onLog: (m) => logs.push(m) });
    expect(logs.join('\n')).toMatch(/--steps changed from 4 to 6/);
    expect(extended.trainer.state.step).toBe(6);
    const fresh = await pretrainBert(join(root, 'six-steps'), { ...settings, steps: 6 });
    const rates = (r: Awaited<ReturnType<typeof pretrainBert>>) => r.trainer.state.history.map((h) => h.learningRate);
    // Steps 3-6 ran on the 6-step schedule (steps 1-2 were the warmup both schedules share), not the 4-step one.
    expect(rates(extended)).toEqual(rates(fresh));
    expect(rates(extended)[3]).not.toBe(linearWarmupDecay(3, settings.lr, settings.warmup, 4));
    const summary = JSON.parse(readFileSync(join(dir, 'training.json'), 'utf8'));
    expect(summary.stepsChanges).toEqual([{ atStep: 2, from: 4, to: 6 }]);
    expect(summary.settings.steps).toBe(6);
  });
});

describe('bertPretrainingLoss', () => {
  it('is MLM + nspWeight · NSP, and MLM alone with weight 0', () => {
    const config = { ...BERT_DEFAULTS, vocabSize: 1000, hiddenSize: 16, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 32, maxPositionEmbeddings: 64 };
    const weights = initBertWeights(config, { pooler: true, mlm: true, nsp: true }, 4);
    const batch = new BertPretrainingData(syntheticDocuments(), SPECIAL, { maxLength: 64 }).batch(new Rng(9), 4);
    const value = (w: number) => {
      const { loss, parts } = bertPretrainingLoss(weights, config, batch, { nsp: w });
      return { loss: loss.dataSync()[0], mlm: parts!.mlm.dataSync()[0], nsp: parts!.nsp.dataSync()[0] };
    };
    const full = value(1);
    expect(full.nsp).toBeGreaterThan(0.3);
    expect(full.loss).toBeCloseTo(full.mlm + full.nsp, 5);
    expect(value(0.25).loss).toBeCloseTo(full.mlm + 0.25 * full.nsp, 5);
    const mlmOnly = value(0);
    expect(mlmOnly.loss).toBe(mlmOnly.mlm);
    expect(mlmOnly.nsp).toBe(full.nsp);
  });

  it('adds neighborWeight · the next-token cross-entropy, computed through the MLM decoder', () => {
    const config = { ...BERT_DEFAULTS, vocabSize: 1000, hiddenSize: 16, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 32, maxPositionEmbeddings: 64 };
    const weights = initBertWeights(config, { pooler: true, mlm: true, nsp: true }, 4);
    const batch = new BertPretrainingData(syntheticDocuments(), SPECIAL, { maxLength: 64, neighborProb: 0.15 }).batch(new Rng(9), 4);
    expect(batch.neighborIndices.length).toBeGreaterThan(0);
    const { loss, parts } = bertPretrainingLoss(weights, config, batch, { nsp: 1, neighbor: 0.5 });
    const [total, mlm, nsp, neighbor] = [loss, parts!.mlm, parts!.nsp, parts!.neighbor].map((t) => t.dataSync()[0]);
    expect(total).toBeCloseTo(mlm + nsp + 0.5 * neighbor, 5);
    // The same number as the masked-LM loss computed with the neighbour positions and labels in its place.
    const asMasked = { ...batch, maskedIndices: batch.neighborIndices, maskedLabels: batch.neighborLabels, neighborIndices: new Int32Array(0), neighborLabels: new Int32Array(0) };
    expect(bertPretrainingLoss(weights, config, asMasked).parts!.mlm.dataSync()[0]).toBeCloseTo(neighbor, 6);
  });

  it('adds isotropy · the mean-direction share of the encoder layers', () => {
    const config = { ...BERT_DEFAULTS, vocabSize: 1000, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 32, maxPositionEmbeddings: 64 };
    const weights = initBertWeights(config, { pooler: true, mlm: true, nsp: true }, 4);
    const batch = new BertPretrainingData(syntheticDocuments(), SPECIAL, { maxLength: 64 }).batch(new Rng(9), 4);
    const plain = bertPretrainingLoss(weights, config, batch);
    expect(plain.parts!.isotropy).toBeUndefined();
    const { loss, parts } = bertPretrainingLoss(weights, config, batch, { isotropy: 2 });
    const [total, mlm, nsp, isotropy] = [loss, parts!.mlm, parts!.nsp, parts!.isotropy].map((t) => t.dataSync()[0]);
    expect(isotropy).toBeGreaterThan(0);
    expect(isotropy).toBeLessThan(1);
    expect(total).toBeCloseTo(mlm + nsp + 2 * isotropy, 5);
  });
});

describe('meanDirectionShare', () => {
  const mask = tf.tensor2d([[1, 1, 1, 0]]);
  it('is 1 when every real token has the same state, 0 when they cancel, and ignores padding', () => {
    const same = tf.tensor3d([[[1, 2], [1, 2], [1, 2], [9, -9]]]);
    const cancelling = tf.tensor3d([[[1, 2], [-1, -2], [0, 0], [5, 5]]]);
    expect(meanDirectionShare([same], mask).dataSync()[0]).toBeCloseTo(1, 6);
    expect(meanDirectionShare([cancelling], mask).dataSync()[0]).toBeCloseTo(0, 6);
    expect(meanDirectionShare([same, cancelling], mask).dataSync()[0]).toBeCloseTo(0.5, 6);
  });

  it('is ‖mean‖² / mean ‖h‖² over the real tokens', () => {
    const states = tf.tensor3d([[[3, 0], [1, 2], [2, 2], [7, 7]]]);
    // mean (2, 4/3): ‖mean‖² = 4 + 16/9; mean ‖h‖² = (9 + 5 + 8) / 3.
    expect(meanDirectionShare([states], mask).dataSync()[0]).toBeCloseTo((4 + 16 / 9) / (22 / 3), 6);
  });
});
