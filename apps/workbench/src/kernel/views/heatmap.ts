/** A labelled matrix as a Plot heatmap with the values written in the cells; and the cosine-similarity one. */
import { cosineSimilarity } from '@wb/core';
import { kernelPlot } from '../plot.js';

export interface HeatmapOptions {
  /** Column labels (default 0..n-1). */
  x?: string[];
  /** Row labels (default: the column labels). */
  y?: string[];
  title?: string;
  /** Colour domain, e.g. [-1, 1] for similarities. */
  domain?: [number, number];
  scheme?: string;
  digits?: number;
}

export function heatmapView(matrix: ArrayLike<number>[], options: HeatmapOptions = {}): Element {
  const cols = options.x ?? Array.from({ length: matrix[0]?.length ?? 0 }, (_, i) => String(i));
  const rowsLabels = options.y ?? (matrix.length === cols.length ? cols : Array.from({ length: matrix.length }, (_, i) => String(i)));
  // Labels can repeat ("bank" twice); keep them apart by position.
  const key = (labels: string[], i: number) => `${i}\u200b${labels[i]}`;
  const data = Array.from(matrix).flatMap((row, i) =>
    Array.from(row).map((value, j) => ({ row: key(rowsLabels, i), col: key(cols, j), value })),
  );
  const strip = (k: string) => k.slice(k.indexOf('\u200b') + 1);
  const digits = options.digits ?? 2;
  const Plot = kernelPlot();
  const size = Math.max(28, Math.min(60, 520 / Math.max(cols.length, 1)));
  const longest = Math.max(...rowsLabels.map((l) => l.length));
  const rotate = cols.length > 6;
  const longestCol = Math.max(...cols.map((l) => l.length));
  return Plot.plot({
    title: options.title,
    width: Math.max(320, longest * 7 + 40 + size * cols.length),
    height: 30 + (rotate ? Math.min(160, longestCol * 5.5 + 24) : 40) + size * rowsLabels.length,
    marginLeft: longest * 7 + 20,
    marginBottom: rotate ? Math.min(160, longestCol * 5.5 + 24) : 40,
    padding: 0.04,
    x: { label: null, domain: cols.map((_, j) => key(cols, j)), tickFormat: strip, tickRotate: rotate ? -35 : 0 },
    y: { label: null, domain: rowsLabels.map((_, i) => key(rowsLabels, i)), tickFormat: strip },
    color: { scheme: (options.scheme ?? 'blues') as 'blues', domain: options.domain, legend: true, label: options.title?.toLowerCase().includes('similarity') ? 'cosine similarity' : 'value', marginLeft: 16, marginRight: 16, width: 300 } as never,
    marks: [
      Plot.cell(data, { x: 'col', y: 'row', fill: 'value', inset: 0.5 }),
      Plot.text(data, { x: 'col', y: 'row', text: (d: { value: number }) => d.value.toFixed(digits), fill: 'black', fontSize: 10 }),
    ],
  }) as unknown as Element;
}

/** Cosine similarity of every pair of vectors, as a heatmap labelled with `labels`. */
export function similarityView(vectors: ArrayLike<number>[], labels: string[], options: Omit<HeatmapOptions, 'x' | 'y'> = {}): Element {
  if (vectors.length !== labels.length) throw new Error(`views.similarity: ${vectors.length} vectors but ${labels.length} labels`);
  const matrix = vectors.map((a) => vectors.map((b) => cosineSimilarity(a, b)));
  return heatmapView(matrix, { domain: [Math.min(0, ...matrix.flat()), 1], title: 'Cosine similarity', ...options, x: labels, y: labels });
}
