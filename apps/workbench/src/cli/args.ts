/**
 * Parsers for command-line option values, shared by every subcommand: one strict reading of an
 * integer, a number, a fraction or a choice, so that `--steps ""`, `--lr 1e-3x`, `--port 0x50` or
 * `--C abc` is refused with the same kind of message everywhere rather than becoming 0 or NaN.
 * Commander prints the message after "option '--name <x>' argument '...' is invalid."
 */
import { InvalidArgumentError } from 'commander';

/** Plain decimal digits: no sign, no exponent, no hex, not empty. */
const INTEGER = /^\d+$/;
/** A decimal number, optionally signed, with an optional exponent (`3`, `-0.5`, `.25`, `2e-5`); not `0x10`, `Infinity` or ``. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function integer(value: string, expected: string, accept: (n: number) => boolean): number {
  const n = Number(value);
  if (!INTEGER.test(value) || !Number.isSafeInteger(n) || !accept(n)) throw new InvalidArgumentError(`expected ${expected}, got "${value}"`);
  return n;
}

function number(value: string, expected: string, accept: (n: number) => boolean): number {
  const n = Number(value);
  if (!NUMBER.test(value) || !Number.isFinite(n) || !accept(n)) throw new InvalidArgumentError(`expected ${expected}, got "${value}"`);
  return n;
}

export function positiveInt(value: string): number {
  return integer(value, 'a positive integer', (n) => n > 0);
}

export function nonNegativeInt(value: string): number {
  return integer(value, 'a non-negative integer', () => true);
}

/** An integer of at least `min` (e.g. `--max-length`, which needs room for [CLS] and [SEP]). */
export function intAtLeast(min: number): (value: string) => number {
  return (value) => integer(value, `an integer ≥ ${min}`, (n) => n >= min);
}

/** A TCP port: 0 (any free one) to 65535. */
export function port(value: string): number {
  return integer(value, 'a port from 0 to 65535', (n) => n <= 65535);
}

export function finiteNumber(value: string): number {
  return number(value, 'a number', () => true);
}

export function nonNegativeNumber(value: string): number {
  return number(value, 'a non-negative number', (n) => n >= 0);
}

export function positiveNumber(value: string): number {
  return number(value, 'a positive number', (n) => n > 0);
}

/** A probability in [0, 1]. */
export function probability(value: string): number {
  return number(value, 'a number from 0 to 1', (n) => n >= 0 && n <= 1);
}

/** A share of something that must leave some of it, in [0, 1) (a warmup ratio). */
export function fractionBelowOne(value: string): number {
  return number(value, 'a number in [0, 1)', (n) => n >= 0 && n < 1);
}

/** A fraction strictly between 0 and 1 (a train/test split: both sides non-empty). */
export function openFraction(value: string): number {
  return number(value, 'a fraction between 0 and 1', (n) => n > 0 && n < 1);
}

/** Numbers separated by commas (`--mix=-1,0,1`). */
export function numberList(value: string): number[] {
  const parts = value.split(',');
  if (!parts.every((part) => NUMBER.test(part) && Number.isFinite(Number(part)))) {
    throw new InvalidArgumentError(`expected numbers separated by commas, got "${value}"`);
  }
  return parts.map(Number);
}

/** Positive integers separated by commas (run ids). */
export function idList(value: string): number[] {
  const parts = value.split(',');
  if (!parts.every((part) => INTEGER.test(part) && Number(part) > 0 && Number.isSafeInteger(Number(part)))) {
    throw new InvalidArgumentError(`expected run ids separated by commas, got "${value}"`);
  }
  return parts.map(Number);
}

/** One of a few words (`oneOf('bert', 'mask')`). */
export function oneOf<T extends string>(...choices: T[]): (value: string) => T {
  const expected = choices.length === 2 ? `${choices[0]} or ${choices[1]}` : `one of ${choices.join(', ')}`;
  return (value) => {
    if (!(choices as string[]).includes(value)) throw new InvalidArgumentError(`expected ${expected}, got "${value}"`);
    return value as T;
  };
}

/** A non-negative integer, or the word `word` (`--layer 3|mix`, `--freeze 2|all`). */
export function intOr<W extends string>(word: W, expected: string): (value: string) => number | W {
  return (value) => {
    if (value === word) return word;
    if (!INTEGER.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError(`expected ${expected}, got "${value}"`);
    return Number(value);
  };
}
