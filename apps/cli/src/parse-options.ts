import { OptionError } from '@aekit/core';

/** A commander parser for an integer option within [min, max]; throws OptionError naming the option. */
export function intOption(
  flag: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
      throw new OptionError(`${flag} must be an integer ${range}, got "${value}"`, {
        details: { option: flag, expected: range, actual: value },
      });
    }
    return n;
  };
}

/** A commander parser for a number option within [min, max] (`exclusiveMax` leaves max out). */
export function numberOption(
  flag: string,
  min: number,
  max = Number.POSITIVE_INFINITY,
  { exclusiveMin = false, exclusiveMax = false } = {},
): (value: string) => number {
  return (value) => {
    const n = Number(value);
    const ok =
      value.trim() !== '' &&
      Number.isFinite(n) &&
      (exclusiveMin ? n > min : n >= min) &&
      (exclusiveMax ? n < max : n <= max);
    if (!ok) {
      const range = `${exclusiveMin ? '(' : '['}${min}, ${max}${exclusiveMax ? ')' : ']'}`;
      throw new OptionError(`${flag} must be a number in ${range}, got "${value}"`, {
        details: { option: flag, expected: range, actual: value },
      });
    }
    return n;
  };
}

/** A commander parser for one of `choices`. */
export function choiceOption<T extends string>(flag: string, choices: readonly T[]): (value: string) => T {
  return (value) => {
    if ((choices as readonly string[]).includes(value)) return value as T;
    throw new OptionError(`${flag}: unknown value "${value}". Should be one of: ${choices.join(', ')}`, {
      details: { option: flag, expected: choices, actual: value },
    });
  };
}

/** A commander parser for a comma-separated list of positive integers, e.g. `--hidden 128,64`. */
export function intListOption(flag: string, length?: number): (value: string) => number[] {
  return (value) => {
    const parts = value.split(',').map((p) => p.trim());
    const numbers = parts.map(Number);
    if (
      parts.some((p) => p === '') ||
      numbers.some((n) => !Number.isInteger(n) || n < 1) ||
      (length !== undefined && numbers.length !== length)
    ) {
      const what = length === undefined ? 'positive integers' : `${length} positive integers`;
      throw new OptionError(`${flag} must be comma-separated ${what} (e.g. 16,8,8), got "${value}"`, {
        details: { option: flag, expected: what, actual: value },
      });
    }
    return numbers;
  };
}
