/**
 * ELMo's character ids, exactly as AllenNLP's `ELMoCharacterMapper` (and bilm-tf's
 * `UnicodeCharsVocabulary`) make them: every word becomes 50 ids, its UTF-8 bytes (cut to 48) between a
 * begin-of-word and an end-of-word mark, padded; `<S>` and `</S>` get their own one-character words.
 * All ids are shifted by +1 so that 0 means "no word here" (masking), which is what the model reads.
 *
 *   raw id  0..255  UTF-8 bytes          256  begin of sentence (<S>)      257  end of sentence (</S>)
 *           258     begin of word        259  end of word                  260  padding
 */

const ELMO_MAX_WORD_LENGTH = 50;
const ELMO_BOS_CHAR = 256;
const ELMO_EOS_CHAR = 257;
const ELMO_BOW_CHAR = 258;
const ELMO_EOW_CHAR = 259;
const ELMO_PAD_CHAR = 260;
const ELMO_BOS_TOKEN = '<S>';
const ELMO_EOS_TOKEN = '</S>';

/** UTF-8 bytes of `word`; lone surrogates are dropped, as Python's `encode('utf-8', 'ignore')` drops them. */
function utf8Bytes(word: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < word.length; i++) {
    let cp = word.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff) {
      const next = i + 1 < word.length ? word.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else continue;
    } else if (cp >= 0xdc00 && cp <= 0xdfff) continue;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return out;
}

/** A one-character word: [begin-of-word, char, end-of-word, padding...] (raw ids, without the +1). */
function specialWord(character: number): number[] {
  const ids = new Array<number>(ELMO_MAX_WORD_LENGTH).fill(ELMO_PAD_CHAR);
  ids[0] = ELMO_BOW_CHAR;
  ids[1] = character;
  ids[2] = ELMO_EOW_CHAR;
  return ids;
}

export class ELMoCharacterMapper {
  static readonly maxWordLength = ELMO_MAX_WORD_LENGTH;
  /** Raw ids (without the +1) of `<S>` and `</S>`, as AllenNLP's class attributes. */
  static readonly beginningOfSentenceCharacters: readonly number[] = specialWord(ELMO_BOS_CHAR);
  static readonly endOfSentenceCharacters: readonly number[] = specialWord(ELMO_EOS_CHAR);

  /** `tokensToAdd` maps extra special words to a raw character id (AllenNLP's `tokens_to_add`). */
  constructor(readonly tokensToAdd: Record<string, number> = {}) {}

  /** The 50 ids of one word, +1 shifted (0 is reserved for masking). */
  convertWordToCharIds(word: string): number[] {
    let raw: number[];
    if (Object.prototype.hasOwnProperty.call(this.tokensToAdd, word)) {
      raw = specialWord(this.tokensToAdd[word]);
    } else if (word === ELMO_BOS_TOKEN) {
      raw = [...ELMoCharacterMapper.beginningOfSentenceCharacters];
    } else if (word === ELMO_EOS_TOKEN) {
      raw = [...ELMoCharacterMapper.endOfSentenceCharacters];
    } else {
      const bytes = utf8Bytes(word).slice(0, ELMO_MAX_WORD_LENGTH - 2);
      raw = new Array<number>(ELMO_MAX_WORD_LENGTH).fill(ELMO_PAD_CHAR);
      raw[0] = ELMO_BOW_CHAR;
      for (let k = 0; k < bytes.length; k++) raw[k + 1] = bytes[k];
      raw[bytes.length + 1] = ELMO_EOW_CHAR;
    }
    return raw.map((c) => c + 1);
  }
}

interface ElmoCharBatch {
  /** [batch, maxWords, 50] row-major, +1 shifted; padded words are all zeros. */
  ids: Int32Array;
  shape: [number, number, number];
  /** Words per sentence. */
  lengths: number[];
  /** The longest word in characters, begin/end-of-word marks included (at most 50). */
  wordChars: number;
}

/**
 * Character ids of a batch of pre-tokenised sentences, padded to the longest (AllenNLP's padding word
 * is 50 zeros). `<S>`/`</S>` are NOT added: the model adds them around each sentence itself.
 */
export function batchToElmoCharIds(sentences: string[][], mapper = new ELMoCharacterMapper()): ElmoCharBatch {
  const batch = sentences.length;
  const maxWords = sentences.reduce((m, s) => Math.max(m, s.length), 0);
  const ids = new Int32Array(batch * maxWords * ELMO_MAX_WORD_LENGTH);
  const pad = ELMO_PAD_CHAR + 1;
  let wordChars = 0;
  sentences.forEach((words, b) => {
    words.forEach((word, t) => {
      const chars = mapper.convertWordToCharIds(word);
      ids.set(chars, (b * maxWords + t) * ELMO_MAX_WORD_LENGTH);
      let used = chars.length;
      while (used > 0 && chars[used - 1] === pad) used--;
      wordChars = Math.max(wordChars, used);
    });
  });
  return { ids, shape: [batch, maxWords, ELMO_MAX_WORD_LENGTH], lengths: sentences.map((s) => s.length), wordChars };
}
