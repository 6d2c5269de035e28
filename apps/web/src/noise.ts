/** Small seeded PRNG (mulberry32) so the same slider value always gives the same noisy copy. */
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples (Box-Muller). */
export function normalSamples(count: number, seed: number): Float32Array {
  const next = mulberry32(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = Math.max(next(), 1e-12);
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** x + std * N(0, 1), clipped to [0, 1] (the corruption the denoiser was trained with). */
export function addGaussianNoise(x: Float32Array, std: number, seed = 1): Float32Array {
  const noise = normalSamples(x.length, seed);
  return x.map((v, i) => Math.min(1, Math.max(0, v + std * noise[i]!)));
}
