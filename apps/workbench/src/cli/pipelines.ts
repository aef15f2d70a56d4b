/** `wb fill-mask` and `wb nsp`: BERT's two pretraining heads from the command line. */
import { loadBert } from '@wb/core/node';

export async function fillMask(model: string, text: string, topK: number): Promise<void> {
  const bert = await loadBert(model);
  const predictions = await bert.fillMask(text, { topK });
  process.stdout.write(
    JSON.stringify({
      text,
      masks: predictions.map((candidates) =>
        candidates.map(({ token, tokenId, score, sequence }) => ({ token, token_id: tokenId, score, sequence })),
      ),
    }) + '\n',
  );
  bert.dispose();
}

export async function nextSentence(model: string, first: string, second: string): Promise<void> {
  const bert = await loadBert(model);
  const { isNext, logits } = await bert.nextSentence(first, second);
  process.stdout.write(JSON.stringify({ sentence_a: first, sentence_b: second, is_next: isNext, logits }) + '\n');
  bert.dispose();
}
