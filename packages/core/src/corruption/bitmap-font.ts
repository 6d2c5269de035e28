/**
 * A tiny 3x5 bitmap font (upper-case letters, digits, a few signs) for drawing watermarks into small images.
 * Each glyph is 5 rows of 3 bits, most significant bit on the left. Lower case draws as upper case; any
 * other character draws as '?'.
 */
export const GLYPH_WIDTH = 3;
export const GLYPH_HEIGHT = 5;
/** Blank columns between two glyphs. */
export const GLYPH_SPACING = 1;

const GLYPHS: Readonly<Record<string, readonly number[]>> = {
  A: [0b010, 0b101, 0b111, 0b101, 0b101],
  B: [0b110, 0b101, 0b110, 0b101, 0b110],
  C: [0b011, 0b100, 0b100, 0b100, 0b011],
  D: [0b110, 0b101, 0b101, 0b101, 0b110],
  E: [0b111, 0b100, 0b110, 0b100, 0b111],
  F: [0b111, 0b100, 0b110, 0b100, 0b100],
  G: [0b011, 0b100, 0b101, 0b101, 0b011],
  H: [0b101, 0b101, 0b111, 0b101, 0b101],
  I: [0b111, 0b010, 0b010, 0b010, 0b111],
  J: [0b001, 0b001, 0b001, 0b101, 0b010],
  K: [0b101, 0b101, 0b110, 0b101, 0b101],
  L: [0b100, 0b100, 0b100, 0b100, 0b111],
  M: [0b101, 0b111, 0b111, 0b101, 0b101],
  N: [0b110, 0b101, 0b101, 0b101, 0b101],
  O: [0b010, 0b101, 0b101, 0b101, 0b010],
  P: [0b110, 0b101, 0b110, 0b100, 0b100],
  Q: [0b010, 0b101, 0b101, 0b110, 0b011],
  R: [0b110, 0b101, 0b110, 0b101, 0b101],
  S: [0b011, 0b100, 0b010, 0b001, 0b110],
  T: [0b111, 0b010, 0b010, 0b010, 0b010],
  U: [0b101, 0b101, 0b101, 0b101, 0b111],
  V: [0b101, 0b101, 0b101, 0b101, 0b010],
  W: [0b101, 0b101, 0b111, 0b111, 0b101],
  X: [0b101, 0b101, 0b010, 0b101, 0b101],
  Y: [0b101, 0b101, 0b010, 0b010, 0b010],
  Z: [0b111, 0b001, 0b010, 0b100, 0b111],
  '0': [0b111, 0b101, 0b101, 0b101, 0b111],
  '1': [0b010, 0b110, 0b010, 0b010, 0b111],
  '2': [0b110, 0b001, 0b010, 0b100, 0b111],
  '3': [0b110, 0b001, 0b010, 0b001, 0b110],
  '4': [0b101, 0b101, 0b111, 0b001, 0b001],
  '5': [0b111, 0b100, 0b110, 0b001, 0b110],
  '6': [0b011, 0b100, 0b111, 0b101, 0b111],
  '7': [0b111, 0b001, 0b010, 0b010, 0b010],
  '8': [0b111, 0b101, 0b111, 0b101, 0b111],
  '9': [0b111, 0b101, 0b111, 0b001, 0b110],
  ' ': [0, 0, 0, 0, 0],
  '.': [0, 0, 0, 0, 0b010],
  ',': [0, 0, 0, 0b010, 0b100],
  '-': [0, 0, 0b111, 0, 0],
  _: [0, 0, 0, 0, 0b111],
  '!': [0b010, 0b010, 0b010, 0, 0b010],
  '?': [0b110, 0b001, 0b010, 0, 0b010],
  ':': [0, 0b010, 0, 0b010, 0],
  '/': [0b001, 0b001, 0b010, 0b100, 0b100],
  '+': [0, 0b010, 0b111, 0b010, 0],
  '=': [0, 0b111, 0, 0b111, 0],
  '(': [0b001, 0b010, 0b010, 0b010, 0b001],
  ')': [0b100, 0b010, 0b010, 0b010, 0b100],
  '#': [0b101, 0b111, 0b101, 0b111, 0b101],
  '@': [0b111, 0b101, 0b111, 0b100, 0b011],
};

/** A rendered text: `width * height` cells, 1 where ink is. */
export interface TextBitmap {
  readonly width: number;
  readonly height: number;
  readonly ink: Uint8Array;
}

/** Renders one line of text with the built-in 3x5 font at scale 1. */
export function renderText(text: string): TextBitmap {
  const chars = [...text.toUpperCase()];
  const width = Math.max(0, chars.length * (GLYPH_WIDTH + GLYPH_SPACING) - GLYPH_SPACING);
  const height = GLYPH_HEIGHT;
  const ink = new Uint8Array(width * height);
  chars.forEach((ch, k) => {
    const rows = GLYPHS[ch] ?? GLYPHS['?']!;
    const x0 = k * (GLYPH_WIDTH + GLYPH_SPACING);
    for (let y = 0; y < GLYPH_HEIGHT; y++) {
      for (let x = 0; x < GLYPH_WIDTH; x++) {
        if ((rows[y]! >> (GLYPH_WIDTH - 1 - x)) & 1) ink[y * width + x0 + x] = 1;
      }
    }
  });
  return { width, height, ink };
}
