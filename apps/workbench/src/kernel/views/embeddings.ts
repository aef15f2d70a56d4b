/**
 * Word vectors projected to 2-D (PCA by default, or t-SNE / UMAP) as a Plot scatter with the
 * words as labels, coloured by group. t-SNE and UMAP are seeded (`seed`, default 0), so a
 * notebook re-run draws the same picture.
 */
import { project, PROJECTION_METHODS, type ProjectionOptions } from '@wb/tasks';
import { kernelPlot } from '../plot.js';

export interface EmbeddingPoint {
  label: string;
  vector: ArrayLike<number>;
  /** Colour groups, e.g. the sense ("river", "money") or the model. */
  group?: string;
}

export interface EmbeddingViewOptions extends ProjectionOptions {
  title?: string;
  width?: number;
  height?: number;
}

export function embeddingView(points: EmbeddingPoint[], options: EmbeddingViewOptions = {}): Element {
  if (points.length < 2) throw new Error('views.embeddings: needs at least two points');
  const dim = points[0].vector.length;
  points.forEach((p, i) => {
    if (p.vector.length !== dim) throw new Error(`views.embeddings: point ${i} ("${p.label}") has ${p.vector.length} dimensions, the first has ${dim}`);
  });
  if (options.method !== undefined && !PROJECTION_METHODS.includes(options.method)) {
    throw new Error(`views.embeddings: unknown method "${String(options.method)}"; use one of ${PROJECTION_METHODS.map((m) => `"${m}"`).join(', ')}`);
  }
  const projection = project(points.map((p) => p.vector), options);
  const rows = points.map((p, i) => ({ x: projection.points[i][0], y: projection.points[i][1], label: p.label, group: p.group ?? '' }));
  const grouped = rows.some((r) => r.group);
  const Plot = kernelPlot();
  return Plot.plot({
    title: options.title,
    width: options.width ?? 640,
    height: options.height ?? 420,
    inset: 24,
    grid: true,
    x: { label: projection.xLabel },
    y: { label: projection.yLabel },
    color: grouped ? { legend: true } : undefined,
    marks: [
      Plot.dot(rows, { x: 'x', y: 'y', fill: grouped ? 'group' : 'steelblue', r: 4, tip: false }),
      Plot.text(rows, { x: 'x', y: 'y', text: 'label', dy: -9, fontSize: 11, fill: 'currentColor' }),
    ],
  }) as unknown as Element;
}
