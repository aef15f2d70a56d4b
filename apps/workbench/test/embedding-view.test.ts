/** views.embeddings: the projection of @wb/tasks drawn as a labelled scatter. */
import { describe, expect, it } from 'vitest';
import { gaussianBlobs } from '../../../test/support/gaussian-blobs.js';
import { outerMarkup } from '../src/kernel/dom.js';
import { toBundle } from '../src/kernel/mime.js';
import { embeddingView } from '../src/kernel/views/embeddings.js';

const { vectors } = gaussianBlobs(4, 30, 32);

describe('views.embeddings', () => {
  const words = vectors.map((vector, i) => ({ label: `w${i}`, vector }));

  for (const method of ['pca', 'tsne', 'umap'] as const) {
    it(`draws an SVG with the words as labels (${method})`, () => {
      const view = embeddingView(words, { method, iterations: method === 'pca' ? undefined : 100 });
      const bundle = toBundle(view);
      const svg = String(bundle.data['image/svg+xml']);
      expect(svg).toMatch(/^<svg/);
      for (const w of ['w0', 'w57', 'w119']) expect(svg).toContain(`>${w}</text>`);
      expect(svg.match(/<circle/g)).toHaveLength(words.length);
    });
  }

  it('is PCA by default, and says which method and seed drew a t-SNE or UMAP picture', () => {
    expect(outerMarkup(embeddingView(words))).toMatch(/PC1 \(\d+% of variance\)/);
    expect(outerMarkup(embeddingView(words, { method: 'tsne', perplexity: 5, seed: 2, iterations: 50 }))).toContain('t-SNE 1 (perplexity 5, seed 2)');
    expect(outerMarkup(embeddingView(words, { method: 'umap', iterations: 50 }))).toContain('UMAP 1 (15 neighbours, min dist 0.1, seed 0)');
  });

  it('draws the same picture on a re-run', () => {
    const draw = () => outerMarkup(embeddingView(words.slice(0, 40), { method: 'tsne', iterations: 200 }));
    expect(draw()).toBe(draw());
  });

  it('names the methods it knows when given another', () => {
    expect(() => embeddingView(words, { method: 'mds' as never })).toThrow(/unknown method "mds"; use one of "pca", "tsne", "umap"/);
  });
});
