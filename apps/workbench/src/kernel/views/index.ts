/** `views` in cells: tables, embedding projections, heatmaps, attention heads. */
import { attentionView } from './attention.js';
import { embeddingView } from './embeddings.js';
import { heatmapView, similarityView } from './heatmap.js';
import { tableView } from './table.js';

export const views = {
  table: tableView,
  embeddings: embeddingView,
  heatmap: heatmapView,
  similarity: similarityView,
  attention: attentionView,
};
