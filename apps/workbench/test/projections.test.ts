/** Embedding projections: t-SNE and UMAP are reproducible from their seed, keep clusters apart, and the view draws the words. */
import { describe, expect, it } from 'vitest';
import { gaussian, seededRandom } from '../src/kernel/random.js';
import { embeddingView } from '../src/kernel/views/embeddings.js';
import { tsne } from '../src/kernel/views/tsne.js';
import { umap } from '../src/kernel/views/umap.js';
import { outerMarkup } from '../src/kernel/dom.js';
import { toBundle } from '../src/kernel/mime.js';

/** `blobs` well-separated Gaussian clusters of `size` points in `dim` dimensions. */
function gaussianBlobs(blobs: number, size: number, dim: number, seed = 1): { vectors: number[][]; blob: number[] } {
  const normal = gaussian(seededRandom(seed));
  const centres = Array.from({ length: blobs }, () => Array.from({ length: dim }, () => 10 * normal()));
  const vectors: number[][] = [];
  const blob: number[] = [];
  for (let b = 0; b < blobs; b++) {
    for (let i = 0; i < size; i++) {
      vectors.push(centres[b].map((c) => c + normal()));
      blob.push(b);
    }
  }
  return { vectors, blob };
}

/** Share of points whose nearest neighbour in the plane is from their own blob. */
function sameBlobNeighbours(points: number[][], blob: number[]): number {
  let same = 0;
  for (let i = 0; i < points.length; i++) {
    let best = -1;
    let bestDistance = Infinity;
    for (let j = 0; j < points.length; j++) {
      if (j === i) continue;
      const d = (points[i][0] - points[j][0]) ** 2 + (points[i][1] - points[j][1]) ** 2;
      if (d < bestDistance) [best, bestDistance] = [j, d];
    }
    if (blob[best] === blob[i]) same++;
  }
  return same / points.length;
}

const { vectors, blob } = gaussianBlobs(4, 30, 32);

describe('t-SNE', () => {
  it('gives identical coordinates for the same seed, others for another seed', () => {
    const a = tsne(vectors, { perplexity: 10, iterations: 300, seed: 7 });
    const b = tsne(vectors, { perplexity: 10, iterations: 300, seed: 7 });
    const c = tsne(vectors, { perplexity: 10, iterations: 300, seed: 8 });
    expect(a.points).toEqual(b.points);
    expect(a.points).not.toEqual(c.points);
    expect(a.points.flat().every(Number.isFinite)).toBe(true);
  });

  it('keeps well-separated Gaussian blobs apart', () => {
    const { points, klDivergence } = tsne(vectors, { perplexity: 15 });
    expect(sameBlobNeighbours(points, blob)).toBeGreaterThan(0.95);
    expect(klDivergence).toBeGreaterThan(0);
  });

  it('copes with vectors of any scale and with tiny sets (perplexity capped)', () => {
    const big = vectors.slice(0, 6).map((v) => v.map((x) => x * 1e4));
    const result = tsne(big, { iterations: 100 });
    expect(result.perplexity).toBeCloseTo(5 / 3);
    expect(result.points.flat().every(Number.isFinite)).toBe(true);
    expect(tsne([[0, 0], [1, 1]], { iterations: 50 }).points.flat().every(Number.isFinite)).toBe(true);
  });

  it('says clearly what is wrong with its options', () => {
    expect(() => tsne(vectors, { perplexity: -1 })).toThrow(/perplexity must be a positive number, got -1/);
    expect(() => tsne(vectors, { seed: 0.5 })).toThrow(/seed must be an integer/);
    expect(() => tsne([[1]])).toThrow(/at least two points/);
  });
});

describe('UMAP', () => {
  it('gives identical coordinates for the same seed, others for another seed', () => {
    const a = umap(vectors, { seed: 3, epochs: 200 });
    const b = umap(vectors, { seed: 3, epochs: 200 });
    const c = umap(vectors, { seed: 4, epochs: 200 });
    expect(a.points).toEqual(b.points);
    expect(a.points).not.toEqual(c.points);
  });

  it('keeps well-separated Gaussian blobs apart', () => {
    expect(sameBlobNeighbours(umap(vectors).points, blob)).toBeGreaterThan(0.95);
  });

  it('works on a handful of words (neighbours capped) and refuses fewer than three', () => {
    const few = umap(vectors.slice(0, 5), { epochs: 50 });
    expect(few.neighbors).toBe(4);
    expect(few.points).toHaveLength(5);
    expect(() => umap(vectors.slice(0, 2))).toThrow(/at least three points/);
  });
});

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
