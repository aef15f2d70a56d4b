/**
 * `wb pretrain bert|elmo` end to end on a tiny corpus: the loss goes down, the folder loads, and a run
 * killed with SIGKILL and resumed with --resume ends with the same bytes as one that never stopped.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, loadElmo } from '@wb/core/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { wbPath, wbRun } from './support/cli.js';

const RIVER = 'the bank of the river was steep and the water ran fast past the old mill by the bridge';
const MONEY = 'she paid the money into the bank and the clerk counted every coin twice before noon';

let dir: string;
let corpus: string;

beforeAll(async () => {
  await initBackend('wasm');
  dir = mkdtempSync(join(tmpdir(), 'wb-cli-pretrain-'));
  corpus = join(dir, 'corpus');
  mkdirSync(corpus);
  const docs: string[] = [];
  for (let d = 0; d < 16; d++) {
    const words = (d % 2 ? RIVER : MONEY).split(' ');
    docs.push(Array.from({ length: 5 }, (_, s) => words.slice(s, s + 6 + (d % 4)).join(' ')).join('\n'));
  }
  writeFileSync(join(corpus, 'tiny.txt'), docs.join('\n\n') + '\n');
});

/** Starts `wb args`, SIGKILLs it once its saved training state reaches `step`, and waits for it to die. */
async function killAfterCheckpoint(args: string[], out: string, step: number): Promise<void> {
  const child = spawn(process.execPath, [wbPath, ...args], { stdio: 'ignore' });
  const pointer = join(out, 'train-state', 'state.json');
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  for (;;) {
    if (existsSync(pointer) && JSON.parse(readFileSync(pointer, 'utf8')).step >= step) break;
    if (child.exitCode !== null) throw new Error(`wb ${args[0]} ended before step ${step}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  await exited;
}

function lossColumn(out: string): number[] {
  return readFileSync(join(out, 'loss.csv'), 'utf8').trim().split('\n').slice(1).map((line) => Number(line.split(',')[1]));
}

describe('wb pretrain bert', () => {
  const common = () => {
    const vocab = join(dir, 'vocab.txt');
    return ['pretrain', 'bert', '--corpus', corpus, '--vocab', vocab, '--layers', '2', '--hidden', '32', '--heads', '2', '--intermediate', '64',
      '--max-length', '32', '--batch-size', '8', '--steps', '30', '--warmup', '3', '--lr', '3e-3', '--seed', '5', '--checkpoint-every', '5'];
  };

  // The straight run uses two threads, the killed and resumed one a single thread: the bytes must
  // not depend on the thread count either.
  it('trains a vocabulary, then a BERT that learns and resumes bit for bit after SIGKILL, on any thread count', async () => {
    const vocab = await wbRun(['vocab', '--corpus', corpus, '--size', '80', '--out', join(dir, 'vocab.txt')]);
    expect(vocab.code, vocab.stderr).toBe(0);

    const straight = join(dir, 'bert-straight');
    const result = await wbRun([...common(), '--out', straight, '--threads', '2']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/tok\/s/);
    const summary = JSON.parse(result.stdout);
    expect(summary.steps).toBe(30);
    const losses = lossColumn(straight);
    expect(losses).toHaveLength(30);
    expect(losses.slice(-5).reduce((a, b) => a + b) / 5).toBeLessThan(losses.slice(0, 5).reduce((a, b) => a + b) / 5 - 0.5);
    for (const file of ['config.json', 'model.safetensors', 'vocab.txt', 'training.json']) expect(existsSync(join(straight, file))).toBe(true);
    const fill = await wbRun(['fill-mask', '--model', straight, '--top-k', '2', 'the bank of the [MASK]']);
    expect(fill.code, fill.stderr).toBe(0);

    const killed = join(dir, 'bert-killed');
    await killAfterCheckpoint([...common(), '--out', killed, '--threads', '1'], killed, 10);
    // Killed mid-run, the folder answers as of its last checkpoint; training.json comes at the end only.
    expect(existsSync(join(killed, 'training.json'))).toBe(false);
    const midRun = await wbRun(['fill-mask', '--model', killed, '--top-k', '2', 'the bank of the [MASK]']);
    expect(midRun.code, midRun.stderr).toBe(0);
    const resumed = await wbRun([...common(), '--out', killed, '--resume', '--threads', '1']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resumed at step (1[0-9]|2[0-9])/);
    expect(Buffer.compare(readFileSync(join(straight, 'model.safetensors')), readFileSync(join(killed, 'model.safetensors')))).toBe(0);
    expect(lossColumn(killed)).toEqual(losses);
  });

  it('shares each update between this process and gradient workers (--workers), with the same bytes, dividing the cores between them', async () => {
    const split = [...common().map((a) => (a === '30' ? '6' : a)), '--batch-size', '4', '--accumulation', '2'];
    const threaded = join(dir, 'bert-threaded');
    const alone = await wbRun([...split, '--out', threaded, '--threads', '2']);
    expect(alone.code, alone.stderr).toBe(0);
    const parallel = join(dir, 'bert-workers');
    const withWorkers = await wbRun(['--verbose', ...split, '--out', parallel, '--workers', '1'], { env: { ...process.env, WB_THREADS: '' } });
    expect(withWorkers.code, withWorkers.stderr).toBe(0);
    expect(withWorkers.stderr).toContain(`wb: backend wasm, ${Math.max(1, Math.floor(cpus().length / 2))} threads`);
    expect(Buffer.compare(readFileSync(join(threaded, 'model.safetensors')), readFileSync(join(parallel, 'model.safetensors')))).toBe(0);

    const tooFew = await wbRun([...common(), '--out', join(dir, 'bert-too-few'), '--workers', '1']);
    expect(tooFew.code).not.toBe(0);
    expect(tooFew.stderr).toContain('--workers 1 needs --accumulation 2 or more');
  });

  it('continues pretraining a checkpoint (--init-from) with an isotropy penalty (--isotropy-weight)', async () => {
    const straight = join(dir, 'bert-straight');
    const continued = join(dir, 'bert-continued');
    const result = await wbRun([...common(), '--init-from', straight, '--isotropy-weight', '1', '--steps', '4', '--out', continued]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`starting from ${straight}: 2 layers, hidden 32`);
    const { settings, finalLoss } = JSON.parse(result.stdout);
    expect([settings.initFrom, settings.isotropyWeight]).toEqual([straight, 1]);
    expect(finalLoss.isotropy).toBeGreaterThan(0);
    const [header, first] = readFileSync(join(continued, 'loss.csv'), 'utf8').split('\n');
    const column = (name: string) => Number(first.split(',')[header.split(',').indexOf(name)]);
    expect(column('isotropy')).toBeGreaterThan(0);
    // It starts where the trained run ended, not at a random start's loss.
    expect(column('mlm')).toBeLessThan(lossColumn(straight).slice(0, 5).reduce((a, b) => a + b) / 5 - 0.5);
  });
});

describe('wb pretrain elmo', () => {
  const args = (out: string) => ['pretrain', 'elmo', '--corpus', corpus, '--out', out, '--vocab-size', '40', '--lstm-dim', '16',
    '--projection-dim', '8', '--filters', '1:4,2:4,3:8', '--char-dim', '4', '--batch-size', '6', '--steps', '16', '--warmup', '2',
    '--lr', '1e-2', '--negatives', '10', '--seed', '3', '--checkpoint-every', '4'];

  it('writes an AllenNLP folder that loads, and resumes bit for bit after SIGKILL', async () => {
    const straight = join(dir, 'elmo-straight');
    const result = await wbRun(args(straight));
    expect(result.code, result.stderr).toBe(0);
    const losses = lossColumn(straight);
    expect(losses.slice(-4).reduce((a, b) => a + b) / 4).toBeLessThan(losses.slice(0, 4).reduce((a, b) => a + b) / 4);
    const model = await loadElmo(straight);
    expect(model.dim).toBe(16);
    const [sentence] = await model.embed(['the bank of the river']);
    expect(sentence.words.map((w) => w.word)).toEqual(['the', 'bank', 'of', 'the', 'river']);
    model.dispose();

    // A held-out corpus is scored every --eval-every steps, and scoring it changes nothing in the training.
    const heldOutCorpus = join(dir, 'elmo-held-out');
    mkdirSync(heldOutCorpus);
    writeFileSync(join(heldOutCorpus, 'other.txt'), 'the water ran past the bank\n\nshe paid the clerk every coin\n');
    const evaluated = join(dir, 'elmo-evaluated');
    const withEval = await wbRun([...args(evaluated), '--eval-corpus', heldOutCorpus, '--eval-every', '8']);
    expect(withEval.code, withEval.stderr).toBe(0);
    expect(lossColumn(evaluated)).toEqual(losses);
    const curve = readFileSync(join(evaluated, 'eval.csv'), 'utf8').trim().split('\n');
    expect(curve[0]).toMatch(/^step,tokens,loss,perplexity$/);
    const perplexities = curve.slice(1).map((line) => Number(line.split(',')[3]));
    expect(curve.slice(1).map((line) => Number(line.split(',')[0]))).toEqual([8, 16]);
    const { heldOut } = JSON.parse(withEval.stdout);
    expect(heldOut.targets).toBe(2 * (6 + 1 + 6 + 1)); // two sentences of six words, each word and the end, both ways
    expect(heldOut.perplexity).toBeCloseTo(perplexities[1], 3);
    // Every word of these sentences is in the training vocabulary, so a model that learned anything
    // beats a uniform guess over the 40 words; the unigram baseline comes from the training counts.
    expect(heldOut.perplexity).toBeLessThan(40);
    expect(heldOut.unigramPerplexity).toBeGreaterThan(5);
    expect(heldOut.unigramPerplexity).toBeLessThan(40);

    const killed = join(dir, 'elmo-killed');
    await killAfterCheckpoint(args(killed), killed, 8);
    // Killed mid-run, the folder loads as of its last checkpoint; training.json comes at the end only.
    expect(existsSync(join(killed, 'training.json'))).toBe(false);
    const midRun = await loadElmo(killed);
    expect((await midRun.embed(['the bank of the river']))[0].words).toHaveLength(5);
    midRun.dispose();
    const resumed = await wbRun([...args(killed), '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(lossColumn(killed)).toEqual(losses);
    // hdf5 files carry timestamps, so compare the weights rather than the bytes.
    const [a, b] = await Promise.all([loadElmo(straight), loadElmo(killed)]);
    for (const [name, t] of Object.entries(a.weights)) expect(Array.from(b.weights[name].dataSync()), name).toEqual(Array.from(t.dataSync()));
    a.dispose();
    b.dispose();
  });

  // Uses the folders the tests above wrote: elmo-straight and the BERT bert-straight.
  it('continues a biLM (--init-from) with a BERT teacher (--distill-from, --distill-weight), also on gradient workers', async () => {
    const straight = join(dir, 'elmo-straight');
    const teacher = join(dir, 'bert-straight');
    const continued = join(dir, 'elmo-distilled');
    // The folder's vocab.txt (21 words: the corpus has fewer than --vocab-size 40) is the softmax's.
    const result = await wbRun([...args(continued), '--init-from', straight, '--distill-from', teacher, '--distill-weight', '2', '--steps', '6', '--head-warmup', '6']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`starting from ${straight}: 2 LSTM layers, cell 16, projection 8; softmax over its 21 words starts afresh`);
    expect(result.stderr).toMatch(/distilling layer 2 of .*bert-straight \(hidden 32\) into the top layer \(16 wide\) by cosine, weight 2/);
    const { settings, finalLoss } = JSON.parse(result.stdout);
    expect([settings.initFrom, settings.distillFrom, settings.distillWeight, settings.headWarmup, settings.lstmDim]).toEqual([straight, teacher, 2, 6, 16]);
    expect(finalLoss.distill).toBeGreaterThan(0);
    const [header, ...rows] = readFileSync(join(continued, 'loss.csv'), 'utf8').trim().split('\n');
    const column = (name: string) => rows.map((row) => Number(row.split(',')[header.split(',').indexOf(name)]));
    column('loss').forEach((loss, i) => expect(loss).toBeCloseTo(column('lm')[i] + 2 * column('distill')[i], 4));
    // The heads learn: the distillation loss falls from its random start.
    expect(column('distill').at(-1)!).toBeLessThan(column('distill')[0]);
    // While only the heads train (--head-warmup) the biLM keeps the weights it started from, bit for
    // bit, and neither the softmax nor the distillation head is saved.
    const [from, to] = await Promise.all([loadElmo(straight), loadElmo(continued)]);
    expect(Object.keys(to.weights).sort()).toEqual(Object.keys(from.weights).sort());
    for (const [name, t] of Object.entries(from.weights)) {
      expect(Array.from(to.weights[name].dataSync()), name).toEqual(Array.from(t.dataSync()));
    }
    to.dispose();

    // --distill-loss similarity needs no head, and its gradient reaches the biLM once the heads have warmed up.
    const similar = join(dir, 'elmo-similarity');
    const bySimilarity = await wbRun([...args(similar), '--init-from', straight, '--distill-from', teacher, '--distill-weight', '5', '--distill-loss', 'similarity', '--steps', '3', '--head-warmup', '1']);
    expect(bySimilarity.code, bySimilarity.stderr).toBe(0);
    expect(bySimilarity.stderr).toContain('by similarity, weight 5');
    const moved = await loadElmo(similar);
    const lstm = 'RNN_0/RNN/MultiRNNCell/Cell1/LSTMCell/W_0';
    expect(Array.from(moved.weights[lstm].dataSync())).not.toEqual(Array.from(from.weights[lstm].dataSync()));
    moved.dispose();
    // --distill-loss same-word: the same, over the pairs of uses of one word (the tiny corpus repeats its words).
    const sameWord = join(dir, 'elmo-same-word');
    const bySameWord = await wbRun([...args(sameWord), '--init-from', straight, '--distill-from', teacher, '--distill-weight', '5', '--distill-loss', 'same-word', '--steps', '3', '--head-warmup', '1']);
    expect(bySameWord.code, bySameWord.stderr).toBe(0);
    expect(bySameWord.stderr).toContain('by same-word, weight 5');
    expect(JSON.parse(bySameWord.stdout).finalLoss.distill).toBeGreaterThan(0);
    const movedBySameWord = await loadElmo(sameWord);
    expect(Array.from(movedBySameWord.weights[lstm].dataSync())).not.toEqual(Array.from(from.weights[lstm].dataSync()));
    movedBySameWord.dispose();
    // --distill-loss similarity-per-direction: the similarity loss on each direction's half apart.
    const perDirection = join(dir, 'elmo-per-direction');
    const byDirection = await wbRun([...args(perDirection), '--init-from', straight, '--distill-from', teacher, '--distill-weight', '5', '--distill-loss', 'similarity-per-direction', '--steps', '3', '--head-warmup', '1']);
    expect(byDirection.code, byDirection.stderr).toBe(0);
    expect(byDirection.stderr).toContain('by similarity-per-direction, weight 5');
    expect(JSON.parse(byDirection.stdout).finalLoss.distill).not.toBe(JSON.parse(bySimilarity.stdout).finalLoss.distill);

    const alone = await wbRun([...args(join(dir, 'elmo-no-weight')), '--distill-from', teacher]);
    expect(alone.code).not.toBe(0);
    expect(alone.stderr).toContain('--distill-from and --distill-weight go together');
    from.dispose();
    const noVocab = join(dir, 'elmo-no-vocab');
    mkdirSync(noVocab);
    for (const file of ['options.json', 'weights.hdf5']) writeFileSync(join(noVocab, file), readFileSync(join(straight, file)));
    const refused = await wbRun([...args(join(dir, 'elmo-from-no-vocab')), '--init-from', noVocab]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`--init-from ${noVocab}: no vocab.txt beside options.json`);

    // A gradient worker (which loads the teacher itself) computes half of each update: the same weights.
    const split = (out: string) => [...args(out), '--distill-from', teacher, '--distill-weight', '2', '--steps', '3', '--batch-size', '3', '--accumulation', '2'];
    const threaded = await wbRun([...split(join(dir, 'elmo-threaded')), '--threads', '2']);
    expect(threaded.code, threaded.stderr).toBe(0);
    const parallel = await wbRun([...split(join(dir, 'elmo-workers')), '--workers', '1']);
    expect(parallel.code, parallel.stderr).toBe(0);
    expect(lossColumn(join(dir, 'elmo-workers'))).toEqual(lossColumn(join(dir, 'elmo-threaded')));
    const [one, two] = await Promise.all([loadElmo(join(dir, 'elmo-threaded')), loadElmo(join(dir, 'elmo-workers'))]);
    for (const [name, t] of Object.entries(one.weights)) expect(Array.from(two.weights[name].dataSync()), name).toEqual(Array.from(t.dataSync()));
    one.dispose();
    two.dispose();
  });
});
