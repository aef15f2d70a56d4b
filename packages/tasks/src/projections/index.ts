export { pca, type PcaResult } from './pca.js';
export { tsne, type TsneOptions, type TsneResult } from './tsne.js';
export { umap, type UmapOptions, type UmapResult } from './umap.js';
export { project, PROJECTION_METHODS, type PlaneProjection, type ProjectionMethod, type ProjectionOptions } from './project.js';
