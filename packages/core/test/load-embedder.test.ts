import { beforeAll, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { initBackend } from '../src/backend.js';
import { loadEmbedder } from '../src/load.js';
import { loadModel } from '../src/load-model.js';
import { setWorkListener, type WorkInfo } from '../src/work-progress.js';

describeShared(['fixtures'], 'loadEmbedder', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('loads a BERT folder and an AllenNLP ELMo folder as ContextualEmbedders', async () => {
    const bert = await loadEmbedder(sharedPath('fixtures', 'tiny-bert'));
    expect([bert.family, bert.numLayers, bert.dim]).toEqual(['bert', 3, 32]);
    const elmo = await loadEmbedder(sharedPath('fixtures', 'allennlp-elmo'));
    expect([elmo.family, elmo.numLayers, elmo.dim]).toEqual(['elmo', 3, 32]);
    const [sentence] = await elmo.embed([['the', 'bank']]);
    expect(sentence.words[1].layers).toHaveLength(3);
  });

  it("every family's embed reports its texts to the work listener (a notebook cell's live bar)", async () => {
    const texts = ['the bank', 'of the river', 'a bat', 'flew out', 'at night'];
    for (const fixture of ['tiny-bert', 'tiny-gpt2', 'allennlp-elmo']) {
      const model = await loadModel(sharedPath('fixtures', fixture));
      const reported: Array<Pick<WorkInfo, 'kind' | 'total'> & { done: number; finished: boolean }> = [];
      setWorkListener((work) => {
        const entry = { kind: work.kind, total: work.total, done: 0, finished: false };
        reported.push(entry);
        return { advance: (count = 1) => void (entry.done += count), set: (done) => void (entry.done = done), finish: () => void (entry.finished = true) };
      });
      try {
        await model.embed(texts, { batchSize: 2 });
      } finally {
        setWorkListener(undefined);
        model.dispose();
      }
      expect(reported, fixture).toEqual([{ kind: 'embedding', total: 5, done: 5, finished: true }]);
    }
  });
});
