/**
 * JSON text written in pieces, exactly as `JSON.stringify(value, sortedKeys, indent)` writes it
 * (keys sorted, `indent` spaces per level, undefined properties left out), so that saving a
 * notebook of hundreds of megabytes never holds a second whole copy of its text: each piece goes
 * to `write` as it is made. Values must be plain JSON (as a validated notebook is); nesting depth is
 * bounded by the notebook validator.
 */
export function writeJson(value: unknown, write: (piece: string) => void, indentUnit = ' ', indent = ''): void {
  if (value === null || typeof value !== 'object') {
    write(JSON.stringify(value) ?? 'null');
    return;
  }
  const inner = indent + indentUnit;
  if (Array.isArray(value)) {
    if (value.length === 0) return void write('[]');
    write('[\n');
    value.forEach((item, i) => {
      write(i === 0 ? inner : `,\n${inner}`);
      writeJson(item === undefined ? null : item, write, indentUnit, inner);
    });
    write(`\n${indent}]`);
    return;
  }
  const keys = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort();
  if (keys.length === 0) return void write('{}');
  write('{\n');
  keys.forEach((key, i) => {
    write(`${i === 0 ? inner : `,\n${inner}`}${JSON.stringify(key)}: `);
    writeJson((value as Record<string, unknown>)[key], write, indentUnit, inner);
  });
  write(`\n${indent}}`);
}
