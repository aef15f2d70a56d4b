/**
 * Where special tokens go around one text or a pair (Hugging Face's post-processors):
 * `[CLS] A [SEP]` / `[CLS] A [SEP] B [SEP]` for BERT and ALBERT, `<s> A </s>` /
 * `<s> A </s></s> B </s>` for RoBERTa, nothing for GPT-2. Read from a tokenizer.json's
 * `post_processor` (TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel, Sequence),
 * or made by a family for folders without one.
 */

type TemplateItem = { special: { ids: number[]; tokens: string[] }; typeId: number } | { sequence: 'A' | 'B'; typeId: number };

export interface Template {
  single: TemplateItem[];
  pair: TemplateItem[];
  /** Byte-level tokens leave their leading and trailing spaces out of their offsets (RoBERTa's trim_offsets). */
  trimOffsets: boolean;
}

/** No special tokens: A, or A then B (type 1), as a tokenizer without a post-processor gives them. */
export const PLAIN_TEMPLATE: Template = {
  single: [{ sequence: 'A', typeId: 0 }],
  pair: [
    { sequence: 'A', typeId: 0 },
    { sequence: 'B', typeId: 1 },
  ],
  trimOffsets: false,
};

type TokenAndId = readonly [string, number];

/** `cls A sep` / `cls A sep B sep`, the second text and its sep of type 1. */
function bertTemplate(cls: TokenAndId, sep: TokenAndId): Template {
  const special = ([token, id]: TokenAndId, typeId: number): TemplateItem => ({ special: { ids: [id], tokens: [token] }, typeId });
  return {
    single: [special(cls, 0), { sequence: 'A', typeId: 0 }, special(sep, 0)],
    pair: [special(cls, 0), { sequence: 'A', typeId: 0 }, special(sep, 0), { sequence: 'B', typeId: 1 }, special(sep, 1)],
    trimOffsets: false,
  };
}

/** `<s> A </s>` / `<s> A </s></s> B </s>` (HF's RobertaProcessing; RoBERTa itself ignores the type ids). */
export function robertaTemplate(cls: TokenAndId, sep: TokenAndId, trimOffsets = true): Template {
  const special = ([token, id]: TokenAndId, typeId: number): TemplateItem => ({ special: { ids: [id], tokens: [token] }, typeId });
  return {
    single: [special(cls, 0), { sequence: 'A', typeId: 0 }, special(sep, 0)],
    pair: [special(cls, 0), { sequence: 'A', typeId: 0 }, special(sep, 0), special(sep, 1), { sequence: 'B', typeId: 1 }, special(sep, 1)],
    trimOffsets,
  };
}

/** How many tokens a template adds around one text (pair = false) or two. */
export function specialTokenCount(template: Template, pair: boolean): number {
  return (pair ? template.pair : template.single).reduce((n, item) => n + ('special' in item ? item.special.ids.length : 0), 0);
}

interface PostProcessorJson {
  type: string;
  [key: string]: unknown;
}

/** The template of a tokenizer.json's post_processor (null: none). */
export function templateFromJson(json: PostProcessorJson | null | undefined, where: string): Template {
  if (!json) return PLAIN_TEMPLATE;
  switch (json.type) {
    case 'TemplateProcessing': {
      const specials = (json.special_tokens ?? {}) as Record<string, { ids?: number[]; tokens?: string[] }>;
      const items = (raw: unknown, which: string): TemplateItem[] => {
        if (!Array.isArray(raw)) throw new Error(`${where}: TemplateProcessing needs a "${which}" template`);
        return raw.map((item) => {
          const special = (item as { SpecialToken?: { id: string; type_id: number } }).SpecialToken;
          const sequence = (item as { Sequence?: { id: 'A' | 'B'; type_id: number } }).Sequence;
          if (special) {
            const entry = specials[special.id];
            if (!entry || !Array.isArray(entry.ids) || !Array.isArray(entry.tokens)) {
              throw new Error(`${where}: the template's special token ${JSON.stringify(special.id)} is not in "special_tokens"`);
            }
            return { special: { ids: entry.ids, tokens: entry.tokens }, typeId: special.type_id ?? 0 };
          }
          if (sequence && (sequence.id === 'A' || sequence.id === 'B')) return { sequence: sequence.id, typeId: sequence.type_id ?? 0 };
          throw new Error(`${where}: template item ${JSON.stringify(item)} is neither a SpecialToken nor a Sequence`);
        });
      };
      return { single: items(json.single, 'single'), pair: items(json.pair, 'pair'), trimOffsets: false };
    }
    case 'BertProcessing':
      return bertTemplate(tokenAndId(json.cls, 'cls', where), tokenAndId(json.sep, 'sep', where));
    case 'RobertaProcessing':
      return robertaTemplate(tokenAndId(json.cls, 'cls', where), tokenAndId(json.sep, 'sep', where), (json.trim_offsets as boolean | undefined) ?? true);
    case 'ByteLevel':
      return { ...PLAIN_TEMPLATE, trimOffsets: (json.trim_offsets as boolean | undefined) ?? true };
    case 'Sequence': {
      const steps = (json.processors as PostProcessorJson[] | undefined) ?? [];
      let template = PLAIN_TEMPLATE;
      let trim = false;
      for (const step of steps) {
        const t = templateFromJson(step, where);
        trim ||= t.trimOffsets;
        if (step.type !== 'ByteLevel') template = t;
      }
      return { ...template, trimOffsets: trim };
    }
    default:
      throw new Error(`${where}: post_processor "${json.type}" is not supported`);
  }
}

function tokenAndId(value: unknown, name: string, where: string): TokenAndId {
  if (Array.isArray(value) && typeof value[0] === 'string' && Number.isInteger(value[1])) return [value[0], value[1]];
  throw new Error(`${where}: post_processor "${name}" should be [token, id], got ${JSON.stringify(value)}`);
}
