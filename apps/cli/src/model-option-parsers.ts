import { OptionError } from '@aekit/core';
import type { CorruptionInput, SparsityPenalty } from '@aekit/models';

function numbers(option: string, text: string, parts: string[], count: number, example: string): number[] {
  const values = parts.map(Number);
  if (parts.length !== count || values.some((v) => !Number.isFinite(v))) {
    throw new OptionError(`${option}: cannot read "${text}"; expected ${example}`, {
      details: { expected: example, actual: text },
    });
  }
  return values;
}

/**
 * Reads a corruption from the command-line form `gaussian:0.5`, `saltPepper:0.1`, `mask:0.25[:blockSize]` or
 * `watermark[:opacity]`.
 */
export function parseNoise(text: string): CorruptionInput {
  const [type = '', ...rest] = text.split(':');
  const ex = 'gaussian:<std>, saltPepper:<amount>, mask:<fraction>[:<blockSize>] or watermark[:<opacity>]';
  switch (type) {
    case 'gaussian':
      return { type, std: numbers('--noise', text, rest, 1, ex)[0]! };
    case 'saltPepper':
    case 'salt-pepper':
      return { type: 'saltPepper', amount: numbers('--noise', text, rest, 1, ex)[0]! };
    case 'mask': {
      const [fraction, blockSize] = numbers('--noise', text, rest, Math.max(1, rest.length), ex);
      if (rest.length > 2) numbers('--noise', text, rest, 2, ex);
      return { type, fraction: fraction!, ...(blockSize === undefined ? {} : { blockSize }) };
    }
    case 'watermark':
      return rest.length === 0 ? { type } : { type, opacity: numbers('--noise', text, rest, 1, ex)[0]! };
    default:
      throw new OptionError(`--noise: unknown corruption "${type}" in "${text}"; expected ${ex}`, {
        details: { expected: ['gaussian', 'saltPepper', 'mask', 'watermark'], actual: type },
      });
  }
}

/** Reads a sparsity penalty from the command-line form `l1:<weight>` or `kl:<rho>:<weight>`. */
export function parseSparsity(text: string): SparsityPenalty {
  const [type = '', ...rest] = text.split(':');
  const ex = 'l1:<weight> (e.g. l1:1e-5) or kl:<rho>:<weight> (e.g. kl:0.05:1)';
  if (type === 'l1') return { type, weight: numbers('--sparsity', text, rest, 1, ex)[0]! };
  if (type === 'kl') {
    const [rho, weight] = numbers('--sparsity', text, rest, 2, ex);
    return { type, rho: rho!, weight: weight! };
  }
  throw new OptionError(`--sparsity: unknown penalty "${type}" in "${text}"; expected ${ex}`, {
    details: { expected: ['l1', 'kl'], actual: type },
  });
}
