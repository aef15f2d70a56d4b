/**
 * Checked reading of the fields of a model's configuration file (config.json, options.json, ...):
 * each field by type and range BEFORE anything is allocated from it, so that a corrupt or hostile
 * file gives an error naming the file, the field and what was expected, instead of a hang, a
 * multi-gigabyte allocation or a model that silently computes nonsense.
 *
 *   const json = configObject(parsed, file);                              // null, [] or 3 → error
 *   const layers = positiveInt(json, 'num_hidden_layers', { max: MAX_LAYERS, default: 12 }, file);
 *   const eps = positiveNumber(json, 'layer_norm_eps', { max: 1, default: 1e-12 }, file);
 *   requireDivisible(file, 'hidden_size', hidden, 'num_attention_heads', heads);
 *
 * Nested fields pass `path` (e.g. `{ path: 'lstm' }` names `lstm.dim` in messages). Browser-safe.
 */

/** A JSON object read from `file`, e.g. the whole config or one of its sections. */
export type ConfigObject = Record<string, unknown>;

interface FieldOptions<T> {
  /** The value when the field is absent (or null). Without it, an absent field is an error. */
  default?: T;
  /** Where the object sits in the file, for messages: 'lstm' names the field 'lstm.dim'. */
  path?: string;
}

interface IntOptions extends FieldOptions<number> {
  /** The largest value accepted: a bound far above any real model, far below what exhausts memory. */
  max: number;
}

interface NumberOptions extends FieldOptions<number> {
  min?: number;
  max?: number;
}

/** How deeply a config file may nest: real ones nest a few levels; a recursive walk of 100,000 overflows the stack. */
const MAX_CONFIG_DEPTH = 64;

/** A value as messages show it: JSON, cut short. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (jsonDepth(value) > MAX_CONFIG_DEPTH) return Array.isArray(value) ? 'a deeply nested list' : 'a deeply nested object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The nesting depth of a parsed JSON value (0 for a scalar), without recursion. */
function jsonDepth(value: unknown, stopAt = Infinity): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > stopAt) return deepest;
    for (const child of Array.isArray(node) ? node : Object.values(node)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * A config file's text, parsed: not JSON, or nested deeper than `MAX_CONFIG_DEPTH`, is an error
 * naming the file. (What the JSON holds is checked by the field readers below.)
 */
export function parseConfigJson(text: string, file: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (jsonDepth(json, MAX_CONFIG_DEPTH) > MAX_CONFIG_DEPTH) throw new Error(`${file}: nested more than ${MAX_CONFIG_DEPTH} levels deep (not a configuration file)`);
  return json;
}

const fieldName = (key: string, options: { path?: string }) => (options.path ? `${options.path}.${key}` : key);

/** A config error: `file: "field" must be ..., got ...` (`got` only when a value was found). */
function configError(file: string, field: string, expected: string, got?: { value: unknown }): Error {
  return new Error(`${file}: ${field ? `"${field}" ` : ''}${expected}${got ? `, got ${describeValue(got.value)}` : ''}`);
}

/** `value` as a JSON object (not null, not a list), or an error naming the file and `what` it should be. */
export function configObject(value: unknown, file: string, what = 'the file'): ConfigObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${file}: ${what} must be a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'a list' : describeValue(value)}`);
  }
  return value as ConfigObject;
}

/** The section `obj[key]` as an object (absent is an error unless `optional`). */
export function section(obj: ConfigObject, key: string, file: string, options: { path?: string; optional?: boolean } = {}): ConfigObject | undefined {
  const value = obj[key];
  if ((value === undefined || value === null) && options.optional) return undefined;
  if (value === undefined) throw configError(file, fieldName(key, options), 'is missing (expected an object)');
  return configObject(value, file, `"${fieldName(key, options)}"`);
}

/** The raw value, or the default when absent/null; `undefined` means absent without a default. */
function present<T>(obj: ConfigObject, key: string, options: FieldOptions<T>, file: string, expected: string): unknown {
  const value = obj[key];
  if (value !== undefined && value !== null) return value;
  if ('default' in options) return options.default;
  throw configError(file, fieldName(key, options), `is missing (expected ${expected})`);
}

/** An integer in [min, max]. */
function intInRange(obj: ConfigObject, key: string, options: IntOptions & { min: number }, file: string): number {
  const expected = `an integer from ${options.min} to ${options.max}`;
  const value = present(obj, key, options, file, expected);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < options.min || value > options.max) {
    throw configError(file, fieldName(key, options), `must be ${expected}`, { value });
  }
  return value;
}

/** An integer ≥ 1 (and ≤ max). */
export function positiveInt(obj: ConfigObject, key: string, options: IntOptions, file: string): number {
  return intInRange(obj, key, { ...options, min: 1 }, file);
}

/** An integer ≥ 0 (and ≤ max). */
export function nonNegativeInt(obj: ConfigObject, key: string, options: IntOptions, file: string): number {
  return intInRange(obj, key, { ...options, min: 0 }, file);
}

/** A finite number in [min, max] (both optional). */
export function finiteNumber(obj: ConfigObject, key: string, options: NumberOptions, file: string): number {
  const range =
    options.min !== undefined && options.max !== undefined
      ? ` from ${options.min} to ${options.max}`
      : options.min !== undefined
        ? ` ≥ ${options.min}`
        : options.max !== undefined
          ? ` ≤ ${options.max}`
          : '';
  const expected = `a finite number${range}`;
  const value = present(obj, key, options, file, expected);
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    (options.min !== undefined && value < options.min) ||
    (options.max !== undefined && value > options.max)
  ) {
    throw configError(file, fieldName(key, options), `must be ${expected}`, { value });
  }
  return value;
}

/** A finite number > 0 (and ≤ max when given), e.g. layer_norm_eps. */
export function positiveNumber(obj: ConfigObject, key: string, options: FieldOptions<number> & { max?: number }, file: string): number {
  const expected = `a number > 0${options.max !== undefined ? ` and ≤ ${options.max}` : ''}`;
  const value = present(obj, key, options, file, expected);
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (options.max !== undefined && value > options.max)) {
    throw configError(file, fieldName(key, options), `must be ${expected}`, { value });
  }
  return value;
}

/** A boolean. */
export function booleanField(obj: ConfigObject, key: string, options: FieldOptions<boolean>, file: string): boolean {
  const value = present(obj, key, options, file, 'true or false');
  if (typeof value !== 'boolean') throw configError(file, fieldName(key, options), 'must be true or false', { value });
  return value;
}

/** A string (non-empty). */
export function stringField(obj: ConfigObject, key: string, options: FieldOptions<string>, file: string): string {
  const value = present(obj, key, options, file, 'a string');
  if (typeof value !== 'string' || value === '') throw configError(file, fieldName(key, options), 'must be a non-empty string', { value });
  return value;
}

/** One of the listed strings. */
export function oneOf<T extends string>(obj: ConfigObject, key: string, allowed: readonly T[], options: FieldOptions<T>, file: string): T {
  const expected = allowed.map((a) => `"${a}"`).join(', ');
  const value = present(obj, key, options, file, `one of ${expected}`);
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw configError(file, fieldName(key, options), `must be one of ${expected}`, { value });
  }
  return value as T;
}

/** `a` must be a multiple of `b` (e.g. hidden_size of num_attention_heads). */
export function requireDivisible(file: string, aName: string, a: number, bName: string, b: number): void {
  if (a % b !== 0) throw new Error(`${file}: ${aName} ${a} is not a multiple of ${bName} ${b}`);
}

/**
 * The largest token id a tokenizer file may hold. Ids need not be dense: a vocab.txt with a token
 * listed twice (bert-base-chinese has 53) gives line-number ids with gaps. Whether every id has an
 * embedding row is checked against the model's vocab_size when the model loads.
 */
const MAX_TOKEN_ID = 2 ** 24 - 1;

/** A token id from a tokenizer file: an integer from 0 to MAX_TOKEN_ID. */
export function tokenId(id: unknown, what: string, file: string): number {
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > MAX_TOKEN_ID) {
    throw new Error(`${file}: ${what} has id ${describeValue(id)}; ids must be integers from 0 to ${MAX_TOKEN_ID}`);
  }
  return id;
}
