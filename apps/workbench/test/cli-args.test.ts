/** The option parsers every subcommand uses (cli/args.ts): what they accept, and the message for what they refuse. */
import { CommanderError, type Command } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  finiteNumber,
  fractionBelowOne,
  idList,
  intAtLeast,
  intOr,
  nonNegativeInt,
  nonNegativeNumber,
  numberList,
  oneOf,
  openFraction,
  port,
  positiveInt,
  positiveNumber,
  probability,
} from '../src/cli/args.js';
import { buildProgram } from '../src/cli/main.js';

describe('integer parsers', () => {
  it('take plain decimal digits only', () => {
    expect(positiveInt('12')).toBe(12);
    expect(nonNegativeInt('0')).toBe(0);
    expect(intAtLeast(8)('8')).toBe(8);
    expect(port('0')).toBe(0);
    expect(port('65535')).toBe(65535);
    for (const bad of ['', ' ', '1.5', '1e3', '0x10', '-1', '+3', ' 7', '7 ', 'Infinity', '9007199254740993']) {
      expect(() => nonNegativeInt(bad)).toThrow(`expected a non-negative integer, got "${bad}"`);
    }
  });

  it('name the range they expect', () => {
    expect(() => positiveInt('0')).toThrow('expected a positive integer, got "0"');
    expect(() => intAtLeast(8)('7')).toThrow('expected an integer ≥ 8, got "7"');
    expect(() => port('65536')).toThrow('expected a port from 0 to 65535, got "65536"');
    expect(() => port('x8')).toThrow('expected a port from 0 to 65535, got "x8"');
  });
});

describe('number parsers', () => {
  it('take decimal numbers with an optional sign and exponent', () => {
    expect(finiteNumber('-0.5')).toBe(-0.5);
    expect(finiteNumber('.25')).toBe(0.25);
    expect(positiveNumber('2e-5')).toBe(2e-5);
    expect(nonNegativeNumber('0')).toBe(0);
    for (const bad of ['', ' ', 'abc', '1e', '0x10', 'Infinity', 'NaN', '1,5', '1.2.3']) {
      expect(() => finiteNumber(bad)).toThrow(`expected a number, got "${bad}"`);
    }
  });

  it('name the range they expect', () => {
    expect(() => nonNegativeNumber('-1e-9')).toThrow('expected a non-negative number, got "-1e-9"');
    expect(() => positiveNumber('0')).toThrow('expected a positive number, got "0"');
    expect(probability('1')).toBe(1);
    expect(() => probability('1.01')).toThrow('expected a number from 0 to 1, got "1.01"');
    expect(fractionBelowOne('0')).toBe(0);
    expect(() => fractionBelowOne('1')).toThrow('expected a number in [0, 1), got "1"');
    expect(openFraction('0.25')).toBe(0.25);
    for (const bad of ['0', '1', '']) expect(() => openFraction(bad)).toThrow(`expected a fraction between 0 and 1, got "${bad}"`);
  });
});

describe('lists and choices', () => {
  it('parse every item or refuse the whole value', () => {
    expect(numberList('-30,0,2.5e1')).toEqual([-30, 0, 25]);
    expect(() => numberList('1,,2')).toThrow('expected numbers separated by commas, got "1,,2"');
    expect(idList('3,5')).toEqual([3, 5]);
    expect(() => idList('3,0')).toThrow('expected run ids separated by commas, got "3,0"');
    expect(oneOf('bert', 'mask')('mask')).toBe('mask');
    expect(() => oneOf('wordpiece', 'bpe')('')).toThrow('expected wordpiece or bpe, got ""');
    expect(() => oneOf('a', 'b', 'c')('d')).toThrow('expected one of a, b, c, got "d"');
    const layer = intOr('mix', 'a layer number (0 = input layer) or "mix"');
    expect(layer('mix')).toBe('mix');
    expect(layer('2')).toBe(2);
    expect(() => layer('top')).toThrow('expected a layer number (0 = input layer) or "mix", got "top"');
  });
});

/** Commander's message for `argv`, from the real program, without exiting or printing. */
async function parseError(argv: string[]): Promise<string> {
  const program = buildProgram();
  const quiet = (command: Command) => {
    command.exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    command.commands.forEach(quiet);
  };
  quiet(program);
  try {
    await program.parseAsync(['node', 'wb', ...argv]);
  } catch (e) {
    if (e instanceof CommanderError) return e.message;
    throw e;
  }
  throw new Error(`wb ${argv.join(' ')} was accepted`);
}

describe('wb subcommands', () => {
  it('validate the options that used to take anything', async () => {
    expect(await parseError(['serve', '--port', '80a'])).toBe(`error: option '--port <n>' argument '80a' is invalid. expected a port from 0 to 65535, got "80a"`);
    expect(await parseError(['run', 'nb.ipynb', '--verify', '--rtol', 'abc'])).toBe(
      `error: option '--rtol <x>' argument 'abc' is invalid. expected a non-negative number, got "abc"`,
    );
    expect(await parseError(['run', 'nb.ipynb', '--verify', '--atol', '-1'])).toBe(
      `error: option '--atol <x>' argument '-1' is invalid. expected a non-negative number, got "-1"`,
    );
    expect(await parseError(['eval', 'probe', '--model', 'm', '--data', 'd.csv', '--test-fraction', '1'])).toBe(
      `error: option '--test-fraction <x>' argument '1' is invalid. expected a fraction between 0 and 1, got "1"`,
    );
    expect(await parseError(['eval', 'probe', '--model', 'm', '--data', 'd.csv', '--C', 'abc'])).toBe(
      `error: option '--C <x>' argument 'abc' is invalid. expected a positive number, got "abc"`,
    );
    expect(await parseError(['vocab', '--corpus', 'c', '--size', '100', '--out', 'v.txt', '--min-frequency', ''])).toBe(
      `error: option '--min-frequency <n>' argument '' is invalid. expected a non-negative integer, got ""`,
    );
    expect(await parseError(['finetune', 'sst2', '--model', 'm', '--train', 't', '--out', 'o', '--weight-decay', 'x'])).toBe(
      `error: option '--weight-decay <x>' argument 'x' is invalid. expected a non-negative number, got "x"`,
    );
    expect(await parseError(['worker', '--concurrency', '1.5'])).toBe(
      `error: option '--concurrency <n>' argument '1.5' is invalid. expected a positive integer, got "1.5"`,
    );
  });
});
