/** Word vectors projected to 2-D (PCA) as a Plot scatter with the words as labels, coloured by group. */
import { kernelPlot } from '../plot.js';
import { pca } from './pca.js';

export interface EmbeddingPoint {
  label: string;
  vector: ArrayLike<number>;
  /** Colour groups, e.g. the sense ("river", "money") or the model. */
  group?: string;
}

export interface EmbeddingViewOptions {
  method?: 'pca' | 'tsne' | 'umap';
  title?: string;
  width?: number;
  height?: number;
}

export function embeddingView(points: EmbeddingPoint[], options: EmbeddingViewOptions = {}): Element {
  const method = options.method ?? 'pca';
  if (method !== 'pca') throw new Error(`views.embeddings: method "${method}" is not available yet in this kernel; use "pca"`);
  if (points.length < 2) throw new Error('views.embeddings: needs at least two points');
  const dim = points[0].vector.length;
  points.forEach((p, i) => {
    if (p.vector.length !== dim) throw new Error(`views.embeddings: point ${i} ("${p.label}") has ${p.vector.length} dimensions, the first has ${dim}`);
  });
  const { points: xy, explained } = pca(points.map((p) => p.vector));
  const rows = points.map((p, i) => ({ x: xy[i][0], y: xy[i][1], label: p.label, group: p.group ?? '' }));
  const grouped = rows.some((r) => r.group);
  const Plot = kernelPlot();
  const pct = (v: number) => `${(100 * v).toFixed(0)}%`;
  return Plot.plot({
    title: options.title,
    width: options.width ?? 640,
    height: options.height ?? 420,
    inset: 24,
    grid: true,
    x: { label: `PC1 (${pct(explained[0])} of variance)` },
    y: { label: `PC2 (${pct(explained[1])} of variance)` },
    color: grouped ? { legend: true } : undefined,
    marks: [
      Plot.dot(rows, { x: 'x', y: 'y', fill: grouped ? 'group' : 'steelblue', r: 4, tip: false }),
      Plot.text(rows, { x: 'x', y: 'y', text: 'label', dy: -9, fontSize: 11, fill: 'currentColor' }),
    ],
  }) as unknown as Element;
}
