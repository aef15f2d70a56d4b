/**
 * Semantic similarity search: every text of a collection becomes a sentence vector (mean-pooled
 * by default, or [CLS]); a query is embedded the same way and the collection ranked by cosine
 * similarity. Vectors are normalised once, so a search is one dot product per text.
 */
import { sentenceVectors, type BertParts, type SentenceVectorOptions } from './sentence-vectors.js';

export interface SearchHit {
  index: number;
  text: string;
  /** Cosine similarity in [-1, 1]. */
  score: number;
}

export class SimilarityIndex {
  private constructor(
    private readonly model: BertParts,
    readonly texts: readonly string[],
    /** Unit-length vectors (a zero vector stays zero and scores 0). */
    private readonly vectors: Float32Array[],
    private readonly options: SentenceVectorOptions,
  ) {}

  /** Embeds the collection (mean pooling unless `options.pooling` says 'cls'). */
  static async build(model: BertParts, texts: readonly string[], options: SentenceVectorOptions = {}): Promise<SimilarityIndex> {
    const settled = { ...options, pooling: options.pooling ?? 'mean' };
    const vectors = await sentenceVectors(model, texts, settled);
    return new SimilarityIndex(model, [...texts], vectors.map(normalise), settled);
  }

  /** The `topK` texts most similar to the query text, best first (ties: lower index first). */
  async search(query: string, topK = 5): Promise<SearchHit[]> {
    const [vector] = await sentenceVectors(this.model, [query], this.options);
    return this.searchVector(vector, topK);
  }

  searchVector(vector: ArrayLike<number>, topK = 5): SearchHit[] {
    const query = normalise(Float32Array.from(vector));
    if (query.length !== (this.vectors[0]?.length ?? query.length)) {
      throw new Error(`searchVector: the query has ${query.length} dimensions, the collection ${this.vectors[0].length}`);
    }
    const scored = this.vectors.map((v, index) => {
      let dot = 0;
      for (let d = 0; d < v.length; d++) dot += v[d] * query[d];
      return { index, text: this.texts[index], score: dot };
    });
    scored.sort((a, b) => b.score - a.score || a.index - b.index);
    return scored.slice(0, Math.max(0, topK));
  }
}

function normalise(v: Float32Array): Float32Array {
  let norm = 0;
  for (let d = 0; d < v.length; d++) norm += v[d] * v[d];
  norm = Math.sqrt(norm);
  return norm === 0 ? v : v.map((x) => x / norm);
}
