/**
 * Turning WordPiece tokens back into text, as Hugging Face's `BertTokenizer.decode` does: tokens
 * joined by spaces, "##" pieces glued to the piece before, then `clean_up_tokenization` (on by
 * default for BERT) removes the spaces that tokenisation put before punctuation and contractions.
 * The lower-casing, accents and original spacing are not recovered.
 */

/** `convert_tokens_to_string`: " ".join(tokens).replace(" ##", "").strip(). */
export function joinWordpieces(tokens: readonly string[], prefix = '##'): string {
  return tokens.join(' ').replaceAll(` ${prefix}`, '').trim();
}

/** HF's `clean_up_tokenization`: " ." → ".", " n't" → "n't" and the like, nothing else. */
export function cleanUpTokenization(text: string): string {
  return text
    .replaceAll(' .', '.')
    .replaceAll(' ?', '?')
    .replaceAll(' !', '!')
    .replaceAll(' ,', ',')
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}
