import { describe, expect, it, vi } from 'vitest';

vi.mock('vega', () => {
  throw new Error("Cannot find package 'vega'");
});

const { lossCurveSpec, renderSvg, svgToPng } = await import('./plots.js');

describe('the report entry without its optional plotting stack', () => {
  it('loads, builds specs, and says what to install when asked to plot, keeping the cause', async () => {
    const spec = lossCurveSpec([
      {
        epoch: 1,
        loss: 0.5,
        valLoss: 0.6,
        terms: { reconstruction: 0.5 },
        seconds: 1,
        samplesPerSecond: 100,
      },
    ]);
    expect(spec.title).toBe('Loss per epoch');
    const error = await renderSvg(spec).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DEPENDENCY_MISSING', name: 'MissingDependencyError' });
    const message = (error as Error).message;
    expect(message).toContain('Plotting (@aekit/eval/report) needs the optional package "vega"');
    expect(message).toMatch(/Install it: (npm install|pnpm add) vega /);
    expect(message).not.toContain('vega-lite'); // only the missing one
    const causes: string[] = [];
    for (let c: unknown = (error as Error).cause; c instanceof Error; c = c.cause) causes.push(c.message);
    expect(causes.join(' | ')).toContain("Cannot find package 'vega'");
    expect(() => svgToPng('<svg xmlns="http://www.w3.org/2000/svg"/>')).toThrow(
      /needs the optional package "vega"/,
    );
  });
});
