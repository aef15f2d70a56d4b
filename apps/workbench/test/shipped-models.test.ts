/**
 * The models in `models/` are what their cards say: each has a card that names its data, commands,
 * seed, steps, wall time and tokens/s, and the samples a card quotes come out of the model again.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wbRun } from './support/cli.js';
import { workbenchDir } from './support/workbench.js';

const modelsDir = join(workbenchDir, '..', '..', 'models');
const shipped = readdirSync(modelsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);

describe('shipped models', () => {
  it.each(shipped)('%s has a model card with its data, command, seed, steps, time and speed', (name) => {
    const cardPath = join(modelsDir, name, 'MODEL_CARD.md');
    expect(existsSync(cardPath), `${cardPath} is missing`).toBe(true);
    const card = readFileSync(cardPath, 'utf8');
    // Pretrained on corpora/open, or fine-tuned from a shipped model that was.
    const base = /--model models\/([\w-]+)/.exec(card)?.[1];
    const pretrainingCard = base && base !== name ? readFileSync(join(modelsDir, base, 'MODEL_CARD.md'), 'utf8') : card;
    expect(pretrainingCard).toContain('../shared/data/corpora/open');
    expect(card).toMatch(/npx wb (--[\w-]+ \S+ )*(pretrain|finetune|distill) /);
    expect(card).toMatch(/[Ss]eed/);
    expect(card).toMatch(/steps/);
    expect(card).toMatch(/minutes|\d h \d+ min|\d+ s\b/);
    expect(existsSync(join(modelsDir, name, 'training.json')) || existsSync(join(modelsDir, name, 'metrics.json'))).toBe(true);
  });

  it("gpt-mini's greedy sample in its card is what `wb generate` writes", { timeout: 60_000 }, async () => {
    const prompt = 'The fisherman sat on the';
    const run = await wbRun(['generate', '--model', join(modelsDir, 'gpt-mini'), '--max-new-tokens', '20', prompt]);
    expect(run.code, run.stderr).toBe(0);
    const { text, new_ids: newIds } = JSON.parse(run.stdout) as { text: string; new_ids: number[] };
    expect(newIds).toHaveLength(20);
    const card = readFileSync(join(modelsDir, 'gpt-mini', 'MODEL_CARD.md'), 'utf8');
    // The card's table writes a newline as ⏎.
    const continuation = text.slice(prompt.length).trim().replaceAll('\n', '⏎');
    expect(card).toContain(`| ${prompt} | ${continuation} |`);
  });

  it.each(['bert-mini', 'distil-mini'])(
    "%s's fill-mask example in its card is what `wb fill-mask` writes",
    { timeout: 60_000 },
    async (name) => {
      const sentence = 'She drank a cup of [MASK] before work.';
      const run = await wbRun(['fill-mask', '--json', '--model', join(modelsDir, name), '--top-k', '5', sentence]);
      expect(run.code, run.stderr).toBe(0);
      const [top] = (JSON.parse(run.stdout) as { masks: { token: string; score: number }[][] }).masks;
      const card = readFileSync(join(modelsDir, name, 'MODEL_CARD.md'), 'utf8');
      expect(card).toContain(`"${sentence}"\` → ${top.map((f) => `${f.token} ${f.score.toFixed(3)}`).join(', ')}`);
    },
  );
});
