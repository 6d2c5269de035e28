/** One random edit of a byte string, for mutation-based property tests of parsers. */
export interface ByteEdit {
  /** flip: xor a byte with `value` (| 1); set: overwrite a byte; truncate: cut the rest; insert: `length`
   * bytes of `value`; delete: `length` bytes; duplicate: repeat the `length` bytes at `at`. */
  readonly op: 'flip' | 'set' | 'truncate' | 'insert' | 'delete' | 'duplicate';
  /** Any non-negative integer: taken modulo the length (+ 1) of the bytes at that point. */
  readonly at: number;
  /** 0-255. */
  readonly value: number;
  /** 1 or more. */
  readonly length: number;
}

export const BYTE_EDIT_OPS: readonly ByteEdit['op'][] = [
  'flip',
  'set',
  'truncate',
  'insert',
  'delete',
  'duplicate',
];

/** `bytes` with `edits` applied one after the other (a new array; `bytes` is not changed). */
export function applyEdits(bytes: Uint8Array, edits: readonly ByteEdit[]): Uint8Array {
  let out = Uint8Array.from(bytes);
  for (const e of edits) {
    const at = e.at % (out.length + 1);
    const length = Math.max(1, e.length);
    const value = e.value & 0xff;
    switch (e.op) {
      case 'flip':
        if (at < out.length) out[at] = (out[at] as number) ^ (value | 1);
        break;
      case 'set':
        if (at < out.length) out[at] = value;
        break;
      case 'truncate':
        out = out.slice(0, at);
        break;
      case 'insert': {
        const next = new Uint8Array(out.length + length);
        next.set(out.subarray(0, at));
        next.fill(value, at, at + length);
        next.set(out.subarray(at), at + length);
        out = next;
        break;
      }
      case 'delete': {
        const next = new Uint8Array(out.length - Math.min(length, out.length - at));
        next.set(out.subarray(0, at));
        next.set(out.subarray(at + length), at);
        out = next;
        break;
      }
      case 'duplicate': {
        const piece = out.slice(at, at + length);
        const next = new Uint8Array(out.length + piece.length);
        next.set(out.subarray(0, at + piece.length));
        next.set(piece, at + piece.length);
        next.set(out.subarray(at + piece.length), at + 2 * piece.length);
        out = next;
        break;
      }
    }
  }
  return out;
}
