/**
 * The Unigram language-model tokenizer (Kudo 2018; SentencePiece, ALBERT, T5, XLNet), as Hugging
 * Face's `Unigram` model encodes one word: the segmentation into vocabulary pieces with the highest
 * total log-probability (Viterbi). A character no piece starts with is the unknown piece, scored
 * `min_score - 10`; consecutive unknown characters are one unknown token, or `<0xXX>` byte tokens
 * with `byte_fallback`. Ties keep the path found first, as HF's `encode_optimized` does.
 */
import type { Pieces } from './wordpiece.js';

/** Score penalty of the unknown piece below the lowest-scored one (SentencePiece's kUnkPenalty). */
const UNK_PENALTY = 10;

const encoder = new TextEncoder();

interface Best {
  score: number;
  start: number;
  id: number;
}

export class UnigramModel {
  readonly unkId: number | null;
  private readonly tokens: string[];
  private readonly scores: number[];
  private readonly ids = new Map<string, number>();
  private readonly unkScore: number;
  private readonly byteFallback: boolean;
  /** A trie over UTF-16 units: children per node, and the piece id ending there (-1 if none). */
  private readonly children: Array<Map<number, number>> = [new Map()];
  private readonly pieceAt: number[] = [-1];

  constructor(pieces: ReadonlyArray<readonly [string, number]>, options: { unkId?: number | null; byteFallback?: boolean } = {}) {
    this.tokens = pieces.map(([piece]) => piece);
    this.scores = pieces.map(([, score]) => score);
    this.unkId = options.unkId ?? null;
    this.byteFallback = options.byteFallback ?? false;
    if (this.unkId !== null && (this.unkId < 0 || this.unkId >= pieces.length)) {
      throw new Error(`Unigram: unk_id ${this.unkId} is outside the ${pieces.length} pieces`);
    }
    pieces.forEach(([piece], id) => {
      if (!this.ids.has(piece)) this.ids.set(piece, id);
      this.insert(piece, id);
    });
    this.unkScore = Math.min(...this.scores) - UNK_PENALTY;
  }

  get vocabSize(): number {
    return this.tokens.length;
  }

  tokenToId(token: string): number | undefined {
    return this.ids.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.tokens[id];
  }

  /** Appends the pieces of `word`, with their [start, end) in its UTF-16 units. */
  tokenize(word: string, out: Pieces): void {
    const n = word.length;
    if (n === 0) return;
    const best: Array<Best | undefined> = new Array(n + 1);
    best[0] = { score: 0, start: -1, id: -1 };
    for (let start = 0; start < n; ) {
      const next = start + (word.codePointAt(start)! > 0xffff ? 2 : 1);
      const from = best[start];
      if (from) {
        let single = false;
        let node = 0;
        for (let i = start; i < n; i++) {
          const child = this.children[node].get(word.charCodeAt(i));
          if (child === undefined) break;
          node = child;
          const id = this.pieceAt[node];
          // Pieces end on whole characters.
          if (id < 0 || isHighSurrogate(word.charCodeAt(i))) continue;
          const end = i + 1;
          const score = from.score + this.scores[id];
          const target = best[end];
          if (!target || score > target.score) best[end] = { score, start, id };
          if (end === next) single = true;
        }
        if (!single) {
          const score = from.score + this.unkScore;
          const target = best[next];
          if (!target || score > target.score) best[next] = { score, start, id: -1 };
        }
      }
      start = next;
    }
    const path: Array<{ id: number; start: number; end: number }> = [];
    for (let end = n; end > 0; ) {
      const b = best[end]!;
      path.push({ id: b.id, start: b.start, end });
      end = b.start;
    }
    path.reverse();
    let lastUnk = false;
    for (const p of path) {
      if (p.id >= 0) {
        push(out, p.id, p.start, p.end);
        lastUnk = false;
        continue;
      }
      if (this.byteFallback && this.pushBytes(word.slice(p.start, p.end), p.start, p.end, out)) {
        lastUnk = false;
        continue;
      }
      if (this.unkId === null) throw new Error(`Unigram: ${JSON.stringify(word.slice(p.start, p.end))} is not in the vocabulary and there is no unk_id`);
      // Consecutive unknown characters are one unknown token (HF's fuse_unk, always on for Unigram).
      if (lastUnk) out.ends[out.ends.length - 1] = p.end;
      else push(out, this.unkId, p.start, p.end);
      lastUnk = true;
    }
  }

  private pushBytes(text: string, start: number, end: number, out: Pieces): boolean {
    const ids = [...encoder.encode(text)].map((b) => this.ids.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`));
    if (ids.some((id) => id === undefined)) return false;
    for (const id of ids) push(out, id!, start, end);
    return true;
  }

  private insert(piece: string, id: number): void {
    if (piece.length === 0) return;
    let node = 0;
    for (let i = 0; i < piece.length; i++) {
      const unit = piece.charCodeAt(i);
      let child = this.children[node].get(unit);
      if (child === undefined) {
        child = this.children.length;
        this.children.push(new Map());
        this.pieceAt.push(-1);
        this.children[node].set(unit, child);
      }
      node = child;
    }
    if (this.pieceAt[node] < 0) this.pieceAt[node] = id;
  }
}

function push(out: Pieces, id: number, start: number, end: number): void {
  out.ids.push(id);
  out.starts.push(start);
  out.ends.push(end);
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}
