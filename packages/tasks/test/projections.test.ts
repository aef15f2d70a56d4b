/** Projections to the plane: t-SNE and UMAP are reproducible from their seed and keep clusters apart; `project` labels its axes. */
import { describe, expect, it } from 'vitest';
import { gaussianBlobs, sameBlobNeighbours } from '../../../test/support/gaussian-blobs.js';
import { pca } from '../src/projections/pca.js';
import { project } from '../src/projections/project.js';
import { tsne } from '../src/projections/tsne.js';
import { umap } from '../src/projections/umap.js';

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

  it('keeps well-separated Gaussian blobs apart, lowering KL(P‖Q) as it optimises', () => {
    const { points, klDivergence } = tsne(vectors, { perplexity: 15 });
    expect(sameBlobNeighbours(points, blob)).toBeGreaterThan(0.95);
    const early = tsne(vectors, { perplexity: 15, iterations: 1, exaggerationIterations: 0 }).klDivergence;
    expect(klDivergence).toBeLessThan(early / 2);
  });

  it('lays an equilateral triangle out as one: P = Q = 1/6 everywhere and KL(P‖Q) = 0', () => {
    // Three points at equal distances in 4-D: every joint probability is 1/6 whatever the perplexity.
    const triangle = [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
    ];
    const { points, klDivergence } = tsne(triangle, { iterations: 1000, seed: 3 });
    const side = (a: number, b: number) => Math.hypot(points[a][0] - points[b][0], points[a][1] - points[b][1]);
    expect(side(0, 2) / side(0, 1)).toBeCloseTo(1, 3);
    expect(side(1, 2) / side(0, 1)).toBeCloseTo(1, 3);
    expect(klDivergence).toBeCloseTo(0, 6);
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


describe('PCA', () => {
  it('finds the direction of a line and all of its variance', () => {
    // Points (1, 2, 2)·t: PC1 carries everything, with coordinates 3(t − mean t) (|(1,2,2)| = 3, mean t = 1.4),
    // signed so that the largest one is positive.
    const line = [-1, 0, 1, 2, 5].map((t) => [t, 2 * t, 2 * t]);
    const { points, explained } = pca(line);
    expect(points.map((p) => p[0])).toEqual([-7.2, -4.2, -1.2, 1.8, 10.8].map((x) => expect.closeTo(x, 9)));
    expect(points.every((p) => Math.abs(p[1]) < 1e-9)).toBe(true);
    expect(explained[0]).toBeCloseTo(1, 12);
    expect(explained[1]).toBeCloseTo(0, 12);
  });
});

describe('project', () => {
  it('labels the axes with what drew them, and names the methods it knows', () => {
    const line = [-2, -1, 0, 1, 2].map((t) => [t, 2 * t, 2 * t]);
    expect(project(line)).toMatchObject({ xLabel: 'PC1 (100% of variance)', yLabel: 'PC2 (0% of variance)' });
    expect(project(vectors, { method: 'tsne', perplexity: 5, seed: 2, iterations: 20 }).xLabel).toBe('t-SNE 1 (perplexity 5, seed 2)');
    expect(project(vectors, { method: 'umap', iterations: 20 }).xLabel).toBe('UMAP 1 (15 neighbours, min dist 0.1, seed 0)');
    expect(() => project(line, { method: 'mds' as never })).toThrow(/unknown method "mds"; use one of "pca", "tsne", "umap"/);
  });
});
