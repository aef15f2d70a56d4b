/**
 * Tokens back into text: the decoders of a Hugging Face `tokenizer.json` (`decoder`): ByteLevel,
 * WordPiece, Metaspace, BPEDecoder, Replace, Strip, Fuse, ByteFallback, CTC and Sequence. Each
 * maps the list of token strings to a list of strings, which are finally joined, as in the
 * `tokenizers` library's `decode_chain`.
 */
import { fromByteLevel } from './byte-level.js';
import { cleanUpTokenization } from './decode.js';
import { patternOf } from './normalizers.js';

/** `isAdded(i)`: token i is an added token, which byte-level decoding passes through as written. */
export type DecodeChain = (tokens: string[], isAdded: (index: number) => boolean) => string[];

interface DecoderJson {
  type: string;
  [key: string]: unknown;
}

/** The decoder a tokenizer.json describes; null (none) joins the tokens with spaces. */
export function decoderFromJson(json: DecoderJson | null | undefined, where: string): DecodeChain {
  if (!json) return (tokens) => [tokens.join(' ')];
  switch (json.type) {
    case 'Sequence': {
      const steps = ((json.decoders as DecoderJson[] | undefined) ?? []).map((d) => decoderFromJson(d, where));
      // Only the first step sees the tokens as they are; later ones see what it made of them.
      return (tokens, isAdded) => steps.reduce((t, step, i) => step(t, i === 0 ? isAdded : () => false), tokens);
    }
    case 'ByteLevel':
      return (tokens, isAdded) => {
        const out: string[] = [];
        let run: string[] = [];
        tokens.forEach((token, i) => {
          if (!isAdded(i)) return run.push(token);
          if (run.length) out.push(fromByteLevel(run.join('')));
          out.push(token);
          run = [];
        });
        if (run.length) out.push(fromByteLevel(run.join('')));
        return out;
      };
    case 'WordPiece': {
      const prefix = typeof json.prefix === 'string' ? json.prefix : '##';
      const cleanup = (json.cleanup as boolean | undefined) ?? true;
      return (tokens) =>
        tokens.map((token, i) => {
          let t = token;
          if (i > 0) t = t.startsWith(prefix) ? t.slice(prefix.length) : ` ${t}`;
          return cleanup ? cleanUpTokenization(t) : t;
        });
    }
    case 'Metaspace': {
      const replacement = typeof json.replacement === 'string' ? json.replacement : '\u2581';
      const stripFirst = json.prepend_scheme !== 'never' && json.add_prefix_space !== false;
      return (tokens) =>
        tokens.map((token, i) => {
          const t = token.replaceAll(replacement, ' ');
          return i === 0 && stripFirst && t.startsWith(' ') ? t.slice(1) : t;
        });
    }
    case 'BPEDecoder': {
      const suffix = typeof json.suffix === 'string' ? json.suffix : '</w>';
      return (tokens) => tokens.map((t, i) => t.replaceAll(suffix, i === tokens.length - 1 ? '' : ' '));
    }
    case 'Replace': {
      const pattern = patternOf(json.pattern, where);
      const content = typeof json.content === 'string' ? json.content : '';
      return (tokens) => tokens.map((t) => t.replace(pattern, content));
    }
    case 'Strip': {
      const content = typeof json.content === 'string' ? json.content : ' ';
      const start = Number(json.start ?? 0);
      const stop = Number(json.stop ?? 0);
      return (tokens) =>
        tokens.map((token) => {
          let from = 0;
          let to = token.length;
          for (let n = 0; n < start && token.startsWith(content, from); n++) from += content.length;
          for (let n = 0; n < stop && to - content.length >= from && token.startsWith(content, to - content.length); n++) to -= content.length;
          return token.slice(from, to);
        });
    }
    case 'Fuse':
      return (tokens) => [tokens.join('')];
    case 'ByteFallback':
      return byteFallback;
    case 'CTC': {
      const pad = typeof json.pad_token === 'string' ? json.pad_token : '<pad>';
      const delimiter = typeof json.word_delimiter_token === 'string' ? json.word_delimiter_token : '|';
      return (tokens) => tokens.filter((t, i) => t !== pad && (i === 0 || t !== tokens[i - 1])).map((t) => t.replaceAll(delimiter, ' '));
    }
    default:
      throw new Error(`${where}: decoder "${json.type}" is not supported`);
  }
}

const BYTE_TOKEN = /^<0x([0-9A-F]{2})>$/;

/** Runs of `<0xXX>` tokens become the text of their bytes (U+FFFD per byte when not valid UTF-8). */
function byteFallback(tokens: string[]): string[] {
  const out: string[] = [];
  let bytes: number[] = [];
  const flush = () => {
    if (bytes.length === 0) return;
    try {
      out.push(new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes)));
    } catch {
      out.push(...bytes.map(() => '\uFFFD'));
    }
    bytes = [];
  };
  for (const token of tokens) {
    const m = BYTE_TOKEN.exec(token);
    if (m) bytes.push(parseInt(m[1], 16));
    else {
      flush();
      out.push(token);
    }
  }
  flush();
  return out;
}
