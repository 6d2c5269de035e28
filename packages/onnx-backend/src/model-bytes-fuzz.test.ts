import { validateSpec } from '@aekit/core';
import {
  applyEdits,
  BYTE_EDIT_OPS,
  callWithin,
  callWithinAsync,
  expectValueOrAekitError,
} from '@aekit/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSession, exportOnnx, onnx, readOnnxInfo } from './index.js';
import { randomWeights } from './testing/random.js';

/**
 * Property tests of what reads a user's ONNX file: readOnnxInfo (protobuf + aekit metadata) and createSession
 * (also ONNX Runtime's loader, then one run of the part the metadata names) on random bytes, byte-level
 * mutations of real exports, and exports re-encoded with a metadata value or a graph field changed. Each must
 * give a value (metadata whose shapes and names are well-formed) or an AekitError within the time limit; they
 * read bytes only, so nothing is written. Seeded: a failure names its seed and the shrunk input.
 */
const LIMIT_MS = 5000;
/** Another seed explores other cases: AEKIT_FUZZ_SEED=7 npx vitest run <this file>. */
const SEED = Number(process.env.AEKIT_FUZZ_SEED ?? 14);

const dense = validateSpec({
  name: 'tiny-dense',
  inputShape: [6],
  encoder: [{ type: 'dense', units: 3, activation: 'relu' }],
  decoder: [{ type: 'dense', units: 6, activation: 'sigmoid' }],
  loss: { reconstruction: 'bce' },
});
const conv = validateSpec({
  name: 'tiny-conv',
  inputShape: [8, 8, 1],
  encoder: [
    { type: 'conv2d', filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' },
    { type: 'maxPool2d', poolSize: 2, padding: 'same' },
  ],
  decoder: [
    { type: 'upSampling2d', size: 2 },
    { type: 'conv2d', filters: 1, kernelSize: 3, padding: 'same', activation: 'sigmoid' },
  ],
  loss: { reconstruction: 'bce' },
});
const exports = [dense, conv].flatMap((spec) =>
  (['full', 'encoder', 'decoder'] as const).map(
    (part) => exportOnnx(spec, randomWeights(spec), { part }).bytes,
  ),
);

const edit = fc.record({
  op: fc.constantFrom(...BYTE_EDIT_OPS),
  at: fc.nat(),
  value: fc.nat(255),
  length: fc.integer({ min: 1, max: 32 }),
});
const byteMutations = fc
  .tuple(fc.constantFrom(...exports), fc.array(edit, { minLength: 1, maxLength: 4 }))
  .map(([bytes, edits]) => applyEdits(bytes, edits));

/** An export decoded, one metadata value or graph field changed, and encoded again (a well-formed protobuf). */
const structural = fc
  .tuple(
    fc.constantFrom(...exports),
    fc.nat(),
    fc.oneof(
      fc.constantFrom(
        '[]',
        '[0]',
        '[-1, 2]',
        '[2.5]',
        '"6"',
        '{}',
        'null',
        '[1e309]',
        '["a"]',
        '',
        '[[6]]',
        'true',
      ),
      fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
    ),
    fc.constantFrom('metadata', 'dim', 'attribute', 'initializer', 'drop-node', 'drop-output'),
    fc.integer({ min: -3, max: 1 << 20 }),
  )
  .map(([bytes, pick, text, where, n]) => {
    const model = onnx.ModelProto.decode(bytes);
    const graph = model.graph as onnx.GraphProto;
    if (where === 'metadata') {
      const props = model.metadataProps ?? [];
      const prop = props[pick % Math.max(1, props.length)];
      if (prop) prop.value = text;
    } else if (where === 'dim') {
      const values = [...(graph.input ?? []), ...(graph.output ?? [])];
      const dims = values.flatMap((v) => v.type?.tensorType?.shape?.dim ?? []);
      const dim = dims[pick % Math.max(1, dims.length)];
      if (dim) dim.dimValue = n;
    } else if (where === 'attribute') {
      const attributes = (graph.node ?? []).flatMap((node) => node.attribute ?? []);
      const attribute = attributes[pick % Math.max(1, attributes.length)];
      if (attribute) {
        if (attribute.ints?.length) attribute.ints[pick % attribute.ints.length] = n;
        else attribute.i = n;
      }
    } else if (where === 'initializer') {
      const inits = graph.initializer ?? [];
      const init = inits[pick % Math.max(1, inits.length)];
      if (init?.dims?.length) init.dims[pick % init.dims.length] = n;
    } else if (where === 'drop-node') graph.node?.splice(pick % Math.max(1, graph.node.length), 1);
    else graph.output?.splice(pick % Math.max(1, graph.output.length), 1);
    return onnx.ModelProto.encode(model).finish();
  });

const anyModelBytes = fc.oneof(
  { weight: 4, arbitrary: byteMutations },
  { weight: 4, arbitrary: structural },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }) },
);

const positiveInts = (v: unknown) => Array.isArray(v) && v.every((d) => Number.isInteger(d) && d > 0);
const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');

describe('ONNX model bytes: random and mutated exports give a value or an AekitError, in bounded time', () => {
  it('the unmutated exports load', () => {
    for (const bytes of exports) expect(readOnnxInfo(bytes)?.inputShape.length).toBeGreaterThan(0);
  });

  it('readOnnxInfo', () => {
    fc.assert(
      fc.property(anyModelBytes, (bytes) => {
        const outcome = callWithin(() => readOnnxInfo(bytes, 'm.onnx'), LIMIT_MS);
        expectValueOrAekitError(outcome, bytes);
        const info = outcome.kind === 'value' ? outcome.value : null;
        if (info !== null) {
          for (const key of ['inputShape', 'latentShape', 'outputShape'] as const) {
            expect(positiveInts(info[key]), `${key} ${JSON.stringify(info[key])}`).toBe(true);
          }
          expect(strings(info.inputs) && strings(info.outputs), JSON.stringify(info.inputs)).toBe(true);
          expect(typeof info.spec === 'object' && info.spec !== null).toBe(true);
        }
      }),
      { numRuns: 400, seed: SEED },
    );
  });

  it('createSession on ONNX Runtime, and one run of the exported part', async () => {
    await fc.assert(
      fc.asyncProperty(anyModelBytes, async (bytes) => {
        const outcome = await callWithinAsync(() => createSession(bytes, { device: 'cpu' }), LIMIT_MS);
        expectValueOrAekitError(outcome, bytes);
        if (outcome.kind !== 'value') return;
        const session = outcome.value;
        try {
          const info = session.info;
          if (info === null) return;
          const x = new Float32Array(info.inputShape.reduce((a, b) => a * b, 1));
          const run = () =>
            info.part === 'decoder'
              ? session.decode(x)
              : info.part === 'encoder'
                ? session.encode(x)
                : session.reconstruct(x);
          expectValueOrAekitError(await callWithinAsync(run, LIMIT_MS), bytes);
        } finally {
          await session.dispose();
        }
      }),
      { numRuns: 80, seed: SEED },
    );
  });
});
