/**
 * Checkpoint names → the canonical names our models use. Real checkpoints come with a model
 * prefix (`bert.` in BertForPreTraining/BertForMaskedLM, none in BertModel) and, when converted
 * from TF1, LayerNorm `gamma`/`beta` instead of `weight`/`bias`.
 */

function normaliseWeightName(name: string, prefix: string): string {
  let out = name.startsWith(prefix) ? name.slice(prefix.length) : name;
  out = out.replace(/LayerNorm\.gamma$/, 'LayerNorm.weight').replace(/LayerNorm\.beta$/, 'LayerNorm.bias');
  return out;
}

/** Maps every checkpoint name to its canonical one; two names colliding is an error. */
export function normaliseWeightNames<T>(tensors: Map<string, T>, prefix: string, source: string): Map<string, T> {
  const out = new Map<string, T>();
  const origin = new Map<string, string>();
  for (const [name, value] of tensors) {
    const canonical = normaliseWeightName(name, prefix);
    if (out.has(canonical)) {
      throw new Error(`${source}: "${name}" and "${origin.get(canonical)}" both map to "${canonical}"`);
    }
    out.set(canonical, value);
    origin.set(canonical, name);
  }
  return out;
}
