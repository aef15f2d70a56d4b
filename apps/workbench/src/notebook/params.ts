/**
 * Parameters as papermill passes them: `--param k=v` values become a cell tagged
 * `injected-parameters`, placed right after the cell tagged `parameters` (whose defaults it
 * overrides), or first when there is none. Values are JSON when they parse, strings otherwise.
 */
import { newCell } from './new.js';
import type { JsonValue, Notebook } from './types.js';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function parseParam(arg: string): [string, JsonValue] {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new Error(`--param expects name=value, got "${arg}"`);
  const name = arg.slice(0, eq).trim();
  if (!IDENTIFIER.test(name)) throw new Error(`--param: "${name}" is not a valid variable name`);
  const text = arg.slice(eq + 1);
  try {
    return [name, JSON.parse(text) as JsonValue];
  } catch {
    return [name, text];
  }
}

const tags = (metadata: Record<string, unknown>): string[] => (Array.isArray(metadata.tags) ? (metadata.tags as string[]) : []);

export function injectParameters(nb: Notebook, params: Record<string, JsonValue>): Notebook {
  if (Object.keys(params).length === 0) return nb;
  const cells = nb.cells.filter((c) => !tags(c.metadata).includes('injected-parameters'));
  const source = ['// Parameters (injected by wb run)', ...Object.entries(params).map(([k, v]) => `const ${k} = ${JSON.stringify(v)};`)].join('\n');
  const cell = newCell('code', source);
  cell.metadata = { tags: ['injected-parameters'] };
  const at = cells.findIndex((c) => tags(c.metadata).includes('parameters'));
  cells.splice(at + 1, 0, cell);
  return { ...nb, cells };
}
