/**
 * Strict UTF-8 decoding of a data file's bytes. A lenient decode would turn a Latin-1 or UTF-16
 * file into replacement characters that then pass for text; this reports the line and column of
 * the first byte that is not UTF-8 instead. Browser-safe: the bytes come from Node's file system
 * (`text-file.ts`) or, in the workbench's browser kernel, from its server.
 */
import { DataFormatError } from './data-format-error.js';

/** The text of `bytes`, read from `source` (which errors name). */
export function decodeUtf8(bytes: Uint8Array, source: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < bad; i++) {
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    const hex = bytes[bad]?.toString(16).padStart(2, '0') ?? 'end of file';
    throw new DataFormatError(source, line, `expected UTF-8 text, found byte 0x${hex} (byte ${bad - lineStart + 1} of the line)`);
  }
}

/** Byte offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const length = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    }
    // Overlong 3/4-byte forms, UTF-16 surrogates and code points past U+10FFFF are invalid too.
    const second = bytes[i + 1];
    if ((b === 0xe0 && second < 0xa0) || (b === 0xed && second >= 0xa0) || (b === 0xf0 && second < 0x90) || (b === 0xf4 && second >= 0x90)) return i;
    i += length;
  }
  return bytes.length;
}
