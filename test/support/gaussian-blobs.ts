/** Test data for projections: well-separated Gaussian clusters, and how well a 2-D layout keeps them apart. */
import { Rng } from '@wb/core';

/** `blobs` clusters of `size` points in `dim` dimensions: centres N(0, 10²), points N(centre, 1). */
export function gaussianBlobs(blobs: number, size: number, dim: number, seed = 1): { vectors: number[][]; blob: number[] } {
  const rng = new Rng(seed);
  const centres = Array.from({ length: blobs }, () => Array.from({ length: dim }, () => rng.normal(10)));
  const vectors: number[][] = [];
  const blob: number[] = [];
  for (let b = 0; b < blobs; b++) {
    for (let i = 0; i < size; i++) {
      vectors.push(centres[b].map((c) => c + rng.normal()));
      blob.push(b);
    }
  }
  return { vectors, blob };
}

/** Share of points whose nearest neighbour in the plane is from their own blob. */
export function sameBlobNeighbours(points: number[][], blob: number[]): number {
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
