/**
 * JSON Lines: one JSON object per line; blank lines are skipped. Every record keeps its 1-based
 * line, so a reader that checks fields can point at the line that is wrong.
 */
import { findJsonSyntaxError } from './json-syntax-error.js';
import { DataFormatError } from './data-format-error.js';
import { splitLines } from './lines.js';

interface JsonLine {
  line: number;
  value: Record<string, unknown>;
}

export function parseJsonLines(text: string, source: string): JsonLine[] {
  const records: JsonLine[] = [];
  for (const { number, text: line } of splitLines(text)) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      const where = findJsonSyntaxError(line);
      throw new DataFormatError(source, number, `not valid JSON${where ? ` (expected ${where.expected})` : ''}`, where ? where.offset + 1 : undefined);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new DataFormatError(source, number, `expected a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`);
    }
    records.push({ line: number, value: value as Record<string, unknown> });
  }
  if (records.length === 0) throw new DataFormatError(source, undefined, 'no records: expected one JSON object per line');
  return records;
}

/** A field that must be a non-empty string. */
export function stringField(record: JsonLine, name: string, source: string): string {
  const value = record.value[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new DataFormatError(source, record.line, `expected "${name}" to be a non-empty string, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
  }
  return value;
}
