/**
 * WordPiece (Hugging Face `WordpieceTokenizer` / the `WordPiece` model): split one word into the
 * longest vocabulary entry from its start, then the longest `##`-prefixed entry from where that
 * ended, and so on. A word with a part that matches nothing, or longer than
 * `maxInputCharsPerWord` characters, becomes a single `[UNK]`.
 */

export interface WordpieceOptions {
  unkToken?: string;
  continuingSubwordPrefix?: string;
  maxInputCharsPerWord?: number;
}

/** Pieces of words, appended to parallel arrays: id and [start, end) in the word's UTF-16 units. */
export interface Pieces {
  ids: number[];
  starts: number[];
  ends: number[];
}

export class WordpieceTokenizer {
  readonly unkToken: string;
  readonly unkTokenId: number;
  readonly continuingSubwordPrefix: string;
  readonly maxInputCharsPerWord: number;
  /** Every token from FIRST; the "##" pieces also, without their prefix, from CONTINUING. */
  private readonly trie = new VocabTrie();

  /** `vocab` maps every token, "##" pieces included, to its id. */
  constructor(vocab: ReadonlyMap<string, number>, options: WordpieceOptions = {}) {
    this.unkToken = options.unkToken ?? '[UNK]';
    this.continuingSubwordPrefix = options.continuingSubwordPrefix ?? '##';
    this.maxInputCharsPerWord = options.maxInputCharsPerWord ?? 100;
    const unk = vocab.get(this.unkToken);
    if (unk === undefined) throw new Error(`WordPiece: the unknown token ${this.unkToken} is not in the vocabulary`);
    this.unkTokenId = unk;
    const prefix = this.continuingSubwordPrefix;
    for (const [token, id] of vocab) {
      this.trie.insert(FIRST, token, id);
      if (token.startsWith(prefix)) this.trie.insert(CONTINUING, token.slice(prefix.length), id);
    }
  }

  /** Appends the pieces of `word` to `out`. */
  tokenize(word: string, out: Pieces): void {
    const length = word.length;
    if (length > this.maxInputCharsPerWord && countCodePoints(word) > this.maxInputCharsPerWord) {
      this.pushUnk(length, out);
      return;
    }
    const mark = out.ids.length;
    const trie = this.trie;
    for (let start = 0; start < length; ) {
      // The longest vocabulary entry that word[start..] begins with is the longest substring
      // word[start, end) in the vocabulary: HF's loop that shortens `end` one character at a time.
      const end = trie.longestPrefix(start === 0 ? FIRST : CONTINUING, word, start);
      if (end < 0) {
        // One part of the word matches nothing: the whole word is unknown, as in HF.
        out.ids.length = out.starts.length = out.ends.length = mark;
        this.pushUnk(length, out);
        return;
      }
      out.ids.push(trie.matchedId);
      out.starts.push(start);
      out.ends.push(end);
      start = end;
    }
  }

  private pushUnk(length: number, out: Pieces): void {
    out.ids.push(this.unkTokenId);
    out.starts.push(0);
    out.ends.push(length);
  }
}

/** Roots of the two tries in VocabTrie. */
const FIRST = 0;
const CONTINUING = 1;

/**
 * A trie over UTF-16 units, so that a longest match costs one hash probe per character instead
 * of a string built and hashed for every candidate length. Edges live in one open-addressing
 * table keyed by (node, unit).
 */
class VocabTrie {
  /** Token id ending at each node, or -1. */
  private ids: number[] = [-1, -1];
  private edgeNode = new Int32Array(1 << 16).fill(-1);
  private edgeUnit = new Int32Array(1 << 16);
  private edgeChild = new Int32Array(1 << 16);
  private edges = 0;
  /** The id found by the last successful longestPrefix. */
  matchedId = -1;

  insert(root: number, token: string, id: number): void {
    if (token.length === 0) return;
    let node = root;
    for (let i = 0; i < token.length; i++) {
      const unit = token.charCodeAt(i);
      let child = this.child(node, unit);
      if (child < 0) {
        child = this.ids.length;
        this.ids.push(-1);
        this.addEdge(node, unit, child);
      }
      node = child;
    }
    this.ids[node] = id;
  }

  /** End of the longest token from `root` that `text` has at `start`, or -1; its id in matchedId. */
  longestPrefix(root: number, text: string, start: number): number {
    let node = root;
    let bestEnd = -1;
    for (let i = start; i < text.length; i++) {
      node = this.child(node, text.charCodeAt(i));
      if (node < 0) break;
      const id = this.ids[node];
      // A match never ends inside a surrogate pair (pieces are whole characters).
      if (id >= 0 && !(isHighSurrogate(text.charCodeAt(i)) && isLowSurrogate(text.charCodeAt(i + 1)))) {
        bestEnd = i + 1;
        this.matchedId = id;
      }
    }
    return bestEnd;
  }

  private child(node: number, unit: number): number {
    const nodes = this.edgeNode;
    const mask = nodes.length - 1;
    for (let slot = hash(node, unit) & mask; ; slot = (slot + 1) & mask) {
      const n = nodes[slot];
      if (n === node && this.edgeUnit[slot] === unit) return this.edgeChild[slot];
      if (n < 0) return -1;
    }
  }

  private addEdge(node: number, unit: number, child: number): void {
    // Keep the table at most half full so that probes stay short.
    if (2 * (this.edges + 1) > this.edgeNode.length) this.grow();
    const mask = this.edgeNode.length - 1;
    let slot = hash(node, unit) & mask;
    while (this.edgeNode[slot] >= 0) slot = (slot + 1) & mask;
    this.edgeNode[slot] = node;
    this.edgeUnit[slot] = unit;
    this.edgeChild[slot] = child;
    this.edges++;
  }

  private grow(): void {
    const [nodes, units, children] = [this.edgeNode, this.edgeUnit, this.edgeChild];
    this.edgeNode = new Int32Array(nodes.length * 2).fill(-1);
    this.edgeUnit = new Int32Array(nodes.length * 2);
    this.edgeChild = new Int32Array(nodes.length * 2);
    this.edges = 0;
    for (let slot = 0; slot < nodes.length; slot++) {
      if (nodes[slot] >= 0) this.addEdge(nodes[slot], units[slot], children[slot]);
    }
  }
}

function hash(node: number, unit: number): number {
  return Math.imul(node, 0x9e3779b1) ^ Math.imul(unit, 0x85ebca6b);
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

function countCodePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    if (!(isLowSurrogate(text.charCodeAt(i)) && i > 0 && isHighSurrogate(text.charCodeAt(i - 1)))) n++;
  }
  return n;
}
