/**
 * Finds where JSON text stops being valid JSON, for an error that points at the place. Only
 * called after JSON.parse has failed: V8 gives a position for some syntax errors but not for
 * others ("Unexpected token", "Unexpected end of JSON input"), and its message quotes the
 * input, which for a 30 MB SQuAD file is no help.
 */
export interface JsonSyntaxError {
  /** Character offset of the offending character (text.length at an unexpected end). */
  offset: number;
  /** What the grammar allowed there, e.g. "',' or ']'". */
  expected: string;
}

export function findJsonSyntaxError(text: string): JsonSyntaxError | null {
  let i = 0;
  const fail = (expected: string): never => {
    throw { offset: i, expected } satisfies JsonSyntaxError;
  };
  const skipSpace = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const string = () => {
    if (text[i] !== '"') fail('a string');
    i++;
    for (;;) {
      if (i >= text.length) fail('a closing \'"\'');
      const ch = text.charCodeAt(i);
      if (ch === 0x22) break;
      if (ch < 0x20) fail('an escaped control character (\\n, \\t, …) inside the string');
      if (ch === 0x5c) {
        i++;
        if (/^u[0-9a-fA-F]{4}/.test(text.slice(i, i + 5))) i += 4;
        else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail('an escape: \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX');
      }
      i++;
    }
    i++;
  };
  const value = (): void => {
    skipSpace();
    const ch = text[i];
    if (ch === '{') {
      i++;
      skipSpace();
      if (text[i] === '}') return void i++;
      for (;;) {
        skipSpace();
        string();
        skipSpace();
        if (text[i] !== ':') fail("':' after the property name");
        i++;
        value();
        skipSpace();
        if (text[i] === '}') return void i++;
        if (text[i] !== ',') fail("',' or '}'");
        i++;
      }
    }
    if (ch === '[') {
      i++;
      skipSpace();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        skipSpace();
        if (text[i] === ']') return void i++;
        if (text[i] !== ',') fail("',' or ']'");
        i++;
      }
    }
    if (ch === '"') return string();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!literal) fail('a value (object, array, string, number, true, false or null)');
    i += literal![0].length;
  };
  try {
    value();
    skipSpace();
    if (i < text.length) fail('end of input after the top-level value');
    return null;
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'offset' in error) return error as JsonSyntaxError;
    // Nested deeper than the stack allows (the scanner recurses): no position, rather than a crash.
    if (error instanceof RangeError) return null;
    throw error;
  }
}
