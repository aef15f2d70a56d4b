/**
 * GPT-2's byte level (Radford et al. 2019, `encoder.py`; Hugging Face's `ByteLevel`): text is
 * split by GPT-2's regex into words, each word is written as its UTF-8 bytes, and each byte is
 * shown as a printable character (`bytes_to_unicode`: the printable Latin-1 bytes stand for
 * themselves, the others are moved to U+0100 and up, so a space is "Ġ"). BPE then runs over those
 * characters, so no text is ever unknown and decoding gives back the exact bytes.
 */
import { slicePiece, type Piece } from './piece.js';

/** `bytes_to_unicode()`: the character that stands for each byte. */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const out: string[] = [];
  let next = 0;
  for (let b = 0; b < 256; b++) out[b] = String.fromCharCode(printable(b) ? b : 256 + next++);
  return out;
})();

const CHAR_TO_BYTE = new Map<string, number>(BYTE_TO_CHAR.map((c, b) => [c, b]));

/** GPT-2's pre-tokenization regex (contractions, letters, digits, other, whitespace runs). */
export const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

const encoder = new TextEncoder();

/** A piece written in byte-level characters: one unit per UTF-8 byte, spanning its character. */
export function toByteLevel(piece: Piece): Piece {
  let ascii = true;
  for (let i = 0; i < piece.text.length && ascii; i++) ascii = piece.text.charCodeAt(i) < 128;
  if (ascii) {
    let text = '';
    for (let i = 0; i < piece.text.length; i++) text += BYTE_TO_CHAR[piece.text.charCodeAt(i)];
    return { text, starts: piece.starts, ends: piece.ends };
  }
  let text = '';
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < piece.text.length; ) {
    const width = piece.text.codePointAt(i)! > 0xffff ? 2 : 1;
    const bytes = encoder.encode(piece.text.slice(i, i + width));
    for (const b of bytes) {
      text += BYTE_TO_CHAR[b];
      starts.push(piece.starts[i]);
      ends.push(piece.ends[i + width - 1]);
    }
    i += width;
  }
  return { text, starts, ends };
}

/** Splits a piece by GPT-2's regex. */
export function splitGpt2(piece: Piece): Piece[] {
  const out: Piece[] = [];
  for (const match of piece.text.matchAll(GPT2_SPLIT)) {
    out.push(slicePiece(piece, match.index!, match.index! + match[0].length));
  }
  return out;
}

/** Byte-level characters back to text; bytes that are not valid UTF-8 become U+FFFD, as HF decodes them. */
export function fromByteLevel(text: string): string {
  const bytes: number[] = [];
  for (const char of text) {
    const b = CHAR_TO_BYTE.get(char);
    if (b === undefined) bytes.push(...encoder.encode(char));
    else bytes.push(b);
  }
  return new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(Uint8Array.from(bytes));
}
