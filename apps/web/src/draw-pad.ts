/** Pixels one arrow key press moves the pen, as a fraction of the pad's side. */
const KEY_STEP = 1 / 16;
/** The model updates this long after the last key press (a held key does not queue a run per repeat). */
const KEY_SETTLE_MS = 150;

const ARROWS: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

/**
 * A canvas you draw on with mouse, pen or finger, or from the keyboard (arrow keys draw from the pen's
 * position, Shift+arrows move it without drawing, Delete or Backspace clears): white strokes on black, like
 * MNIST. `onChange` runs at the end of each stroke.
 */
export function attachDrawPad(
  canvas: HTMLCanvasElement,
  onChange: () => void,
  onClear: () => void = onChange,
): { clear(): void } {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('2-D canvas context unavailable');
  const clear = () => {
    ctx.fillStyle = 'black';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  };
  clear();
  const line = (from: { x: number; y: number }, to: { x: number; y: number }) => {
    ctx.strokeStyle = 'white';
    ctx.lineWidth = canvas.width / 12;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
  };
  let last: { x: number; y: number } | undefined;
  const at = (event: PointerEvent) => {
    const rect = canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - rect.left) * canvas.width) / rect.width,
      y: ((event.clientY - rect.top) * canvas.height) / rect.height,
    };
  };
  canvas.addEventListener('pointerdown', (event) => {
    canvas.setPointerCapture(event.pointerId);
    last = at(event);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!last) return;
    const p = at(event);
    line(last, p);
    last = p;
  });
  const end = () => {
    if (!last) return;
    last = undefined;
    onChange();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);

  let pen = { x: canvas.width / 2, y: canvas.height / 2 };
  let settle: ReturnType<typeof setTimeout> | undefined;
  canvas.addEventListener('keydown', (event) => {
    if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      clear();
      onClear();
      return;
    }
    const direction = ARROWS[event.key];
    if (!direction) return;
    event.preventDefault();
    const step = KEY_STEP * canvas.width;
    const next = {
      x: Math.min(canvas.width, Math.max(0, pen.x + direction[0] * step)),
      y: Math.min(canvas.height, Math.max(0, pen.y + direction[1] * step)),
    };
    if (!event.shiftKey) line(pen, next);
    pen = next;
    if (event.shiftKey) return;
    clearTimeout(settle);
    settle = setTimeout(onChange, KEY_SETTLE_MS);
  });
  return { clear };
}
