/** Long work reports how far it is to the work listener (a notebook cell's live bar): embedding here. */
import { beforeAll, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { initBackend } from '../src/backend.js';
import { loadModel } from '../src/node.js';
import { setWorkListener, type WorkInfo } from '../src/work-progress.js';

describeShared(['fixtures'], 'work progress', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it("every family's embed reports its texts, batch by batch, and finishes", async () => {
    const texts = ['the bank', 'of the river', 'a bat', 'flew out', 'at night'];
    for (const fixture of ['tiny-bert', 'tiny-gpt2', 'allennlp-elmo']) {
      const model = await loadModel(sharedPath('fixtures', fixture));
      const reported: Array<Pick<WorkInfo, 'kind' | 'total'> & { done: number[]; finished: boolean }> = [];
      setWorkListener((work) => {
        const entry = { kind: work.kind, total: work.total, done: [0], finished: false };
        reported.push(entry);
        const at = (done: number) => void entry.done.push(done);
        return { advance: (count = 1) => at(entry.done.at(-1)! + count), set: at, finish: () => void (entry.finished = true) };
      });
      try {
        await model.embed(texts, { batchSize: 2 });
      } finally {
        setWorkListener(undefined);
        model.dispose();
      }
      expect(reported, fixture).toEqual([{ kind: 'embedding', total: 5, done: [0, 2, 4, 5], finished: true }]);
    }
  });
});
