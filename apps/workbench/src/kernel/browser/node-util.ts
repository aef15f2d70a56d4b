/**
 * `node:util`'s `inspect` and `format` for the browser kernel: the worker bundle maps `node:util`
 * here (see `ui/build.ts`), so `format.ts`, shared with the Node kernel, shows values the way the
 * Node REPL does in both kernels — `{ a: [ 1, 2 ], b: 'x' }`, `Float32Array(2) [ 1, 2 ]`,
 * `Map(1) { 'k' => 1 }` — for the cases notebooks print. It is not a full port: no colours, no
 * getters, no column grouping of long number arrays, and a promise's state is unknown here.
 */

export interface InspectOptions {
  depth?: number;
  maxArrayLength?: number;
  maxStringLength?: number;
  breakLength?: number;
}

const IDENTIFIER = /^[a-zA-Z_][a-zA-Z_0-9]*$/;

function quote(text: string): string {
  const q = !text.includes("'") ? "'" : !text.includes('"') ? '"' : !text.includes('`') ? '`' : "'";
  const escaped = text.replace(/[\\\n\r\t\b\f\v]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '\v': '\\v' })[c]!);
  return q + (q === "'" ? escaped.replace(/'/g, "\\'") : escaped) + q;
}

function functionLabel(fn: Function): string {
  const source = Function.prototype.toString.call(fn);
  if (source.startsWith('class')) return `[class ${fn.name || '(anonymous)'}]`;
  const kind = fn.constructor?.name ?? 'Function';
  return `[${kind === 'Function' ? 'Function' : kind}${fn.name ? `: ${fn.name}` : ' (anonymous)'}]`;
}

/**
 * Node's grouping of more than six short array entries into aligned columns
 * (`groupArrayElements` in Node's lib/internal/util/inspect.js, without colours).
 */
function groupArrayElements(output: string[], indent: number, breakLength: number, more: boolean, value: ArrayLike<unknown>): string[] {
  let totalLength = 0;
  let maxLength = 0;
  const outputLength = more ? output.length - 1 : output.length;
  const separatorSpace = 2;
  const dataLen: number[] = [];
  for (let i = 0; i < outputLength; i++) {
    const len = output[i].length;
    dataLen[i] = len;
    totalLength += len + separatorSpace;
    if (maxLength < len) maxLength = len;
  }
  const actualMax = maxLength + separatorSpace;
  if (actualMax * 3 + indent < breakLength && (totalLength / actualMax > 5 || maxLength <= 6)) {
    const averageBias = Math.sqrt(actualMax - totalLength / output.length);
    const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
    const columns = Math.min(Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax), Math.floor((breakLength - indent) / actualMax), 3 * 4, 15);
    if (columns <= 1) return output;
    const maxLineLength: number[] = [];
    for (let i = 0; i < columns; i++) {
      let lineLength = 0;
      for (let j = i; j < output.length; j += columns) if (dataLen[j] > lineLength) lineLength = dataLen[j];
      maxLineLength.push(lineLength + separatorSpace);
    }
    let numeric = true;
    for (let i = 0; i < outputLength; i++) if (typeof value[i] !== 'number' && typeof value[i] !== 'bigint') numeric = false;
    const grouped: string[] = [];
    for (let i = 0; i < outputLength; i += columns) {
      const max = Math.min(i + columns, outputLength);
      let line = '';
      let j = i;
      for (; j < max - 1; j++) {
        const cell = `${output[j]}, `;
        line += numeric ? cell.padStart(maxLineLength[j - i]) : cell.padEnd(maxLineLength[j - i]);
      }
      line += numeric ? output[j].padStart(maxLineLength[j - i] - separatorSpace) : output[j];
      grouped.push(line);
    }
    if (more) grouped.push(output[outputLength]);
    return grouped;
  }
  return output;
}

export function inspect(value: unknown, options: InspectOptions = {}): string {
  const depth = options.depth ?? 2;
  const maxArray = options.maxArrayLength ?? 100;
  const maxString = options.maxStringLength ?? 10_000;
  const breakLength = options.breakLength ?? 80;
  const seen: object[] = [];
  // As Node's ctx.currentDepth: the level of the object formatted last; a container whose last
  // descendant sits three or more levels deeper is never put on one line.
  let currentDepth = 0;

  /** Node's `reduceToSingleString`: one line when short and shallow enough, else one entry a line. */
  const reduce = (output: string[], open: string, close: string, level: number, indent: number, grouped: boolean): string => {
    if (output.length === 0) return `${open}${close}`;
    if (!grouped && currentDepth - level < 3) {
      const start = output.length + indent + open.length + 10;
      const total = output.reduce((sum, e) => sum + e.length, output.length + start);
      const joined = output.join(', ');
      if (total <= breakLength && !joined.includes('\n')) return `${open} ${joined} ${close}`;
    }
    const pad = `\n${' '.repeat(indent)}`;
    return `${open}${pad}  ${output.join(`,${pad}  `)}${pad}${close}`;
  };

  const show = (v: unknown, level: number, indent: number): string => {
    switch (typeof v) {
      case 'string':
        return quote(v.length > maxString ? v.slice(0, maxString) : v) + (v.length > maxString ? `... ${v.length - maxString} more characters` : '');
      case 'number':
        return Object.is(v, -0) ? '-0' : String(v);
      case 'bigint':
        return `${v}n`;
      case 'symbol':
        return v.toString();
      case 'function':
        return functionLabel(v);
      case 'undefined':
        return 'undefined';
      case 'boolean':
        return String(v);
    }
    if (v === null) return 'null';
    const object = v as object;
    if (seen.includes(object)) return '[Circular]';
    if (object instanceof Date) return Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString();
    if (object instanceof RegExp) return object.toString();
    if (object instanceof Error) return object.stack ?? `${object.name}: ${object.message}`;
    if (object instanceof Promise) return 'Promise { <unknown> }';
    const name = Object.getPrototypeOf(object) === null ? '[Object: null prototype]' : (object.constructor?.name ?? 'Object');
    if (level > depth) return Array.isArray(object) ? '[Array]' : `[${name}]`;
    seen.push(object);
    const size = Array.isArray(object) || ArrayBuffer.isView(object) ? (object as unknown as ArrayLike<unknown>).length : object instanceof Map || object instanceof Set ? object.size : Object.keys(object).length;
    if (size > 0) currentDepth = level;
    try {
      const inner = (x: unknown) => show(x, level + 1, indent + 2);
      if (Array.isArray(object) || ArrayBuffer.isView(object)) {
        const items = object as unknown as ArrayLike<unknown>;
        const output: string[] = [];
        for (let i = 0; i < Math.min(items.length, maxArray); i++) output.push(i in items ? inner(items[i]) : '<empty item>');
        const more = items.length > maxArray;
        if (more) output.push(`... ${items.length - maxArray} more item${items.length - maxArray > 1 ? 's' : ''}`);
        const open = Array.isArray(object) && name === 'Array' ? '[' : `${name}(${items.length}) [`;
        const grouped = output.length > 6 ? groupArrayElements(output, indent, breakLength, more, items) : output;
        return reduce(grouped, open, ']', level, indent, grouped.length !== output.length);
      }
      if (object instanceof Map) {
        const output = [...object].slice(0, maxArray).map(([k, x]) => `${inner(k)} => ${inner(x)}`);
        return reduce(output, `Map(${object.size}) {`, '}', level, indent, false);
      }
      if (object instanceof Set) {
        const output = [...object].slice(0, maxArray).map(inner);
        return reduce(output, `Set(${object.size}) {`, '}', level, indent, false);
      }
      const output = Object.keys(object).map((key) => `${IDENTIFIER.test(key) ? key : quote(key)}: ${inner((object as Record<string, unknown>)[key])}`);
      return reduce(output, name === 'Object' ? '{' : `${name} {`, '}', level, indent, false);
    } finally {
      seen.pop();
    }
  };
  return show(value, 0, 0);
}

/** `util.format`: printf-like `%s %d %i %f %j %o %O %c` in a first string argument, the rest joined by spaces. */
export function format(...args: unknown[]): string {
  let rest = args;
  let head = '';
  if (typeof args[0] === 'string') {
    let i = 1;
    head = args[0].replace(/%([sdifjoOc%])/g, (match, kind: string) => {
      if (kind === '%') return '%';
      if (i >= args.length) return match;
      const arg = args[i++];
      switch (kind) {
        case 's':
          return typeof arg === 'string' ? arg : inspect(arg, { depth: 1 });
        case 'd':
        case 'i':
          return String(kind === 'i' ? Math.trunc(Number(arg)) : Number(arg));
        case 'f':
          return String(Number.parseFloat(String(arg)));
        case 'j':
          try {
            return JSON.stringify(arg);
          } catch {
            return '[Circular]';
          }
        case 'c':
          return '';
        default:
          return inspect(arg, { depth: 4 });
      }
    });
    rest = args.slice(i);
  }
  const tail = rest.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 2 })));
  return typeof args[0] === 'string' ? [head, ...tail].join(' ') : tail.join(' ');
}
