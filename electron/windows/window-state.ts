/**
 * Remembered app-window size and position: parsed from the settings file (untrusted) and clamped so
 * a window saved on a now-disconnected monitor still opens somewhere visible.
 */
import { z } from 'zod';

export interface WindowBounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DisplayArea {
  x: number;
  y: number;
  width: number;
  height: number;
}

const boundsSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(200).max(20_000),
  height: z.number().int().min(200).max(20_000),
});

/**
 * Returns saved bounds when they are well formed and at least 100×100 px of them fall inside one
 * of the displays; otherwise null (the window opens at its default size, centred).
 */
export function restoreBounds(saved: unknown, displays: readonly DisplayArea[]): WindowBounds | null {
  const parsed = boundsSchema.safeParse(saved);
  if (!parsed.success) return null;
  const b = parsed.data;
  const visible = displays.some((d) => {
    const overlapW = Math.min(b.x + b.width, d.x + d.width) - Math.max(b.x, d.x);
    const overlapH = Math.min(b.y + b.height, d.y + d.height) - Math.max(b.y, d.y);
    return overlapW >= 100 && overlapH >= 100;
  });
  return visible ? b : null;
}
