import { beforeAll, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { initBackend } from '../src/backend.js';
import { loadEmbedder } from '../src/load.js';

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
});
