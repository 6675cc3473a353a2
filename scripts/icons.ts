/**
 * Draws Candor's monogram icons (a white "C" on a rounded teal square) into assets/ at the sizes the
 * manifest references. Run `npx tsx scripts/icons.ts` after changing the design; the PNGs are committed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { repoRoot } from './repo-root';

export const ICON_SIZES = [16, 32, 64, 80, 128] as const;

const BRAND: readonly [number, number, number] = [0x0b, 0x6a, 0x6f];
const SUPERSAMPLE = 4;

/** Coverage of the pixel at (x, y) in unit coordinates [0,1): 'bg', 'fg' (the C) or 'none'. */
function shapeAt(x: number, y: number): 'fg' | 'bg' | 'none' {
  // Rounded square with corner radius 0.2.
  const r = 0.2;
  const dx = Math.max(r - x, 0, x - (1 - r));
  const dy = Math.max(r - y, 0, y - (1 - r));
  if (dx * dx + dy * dy > r * r) return 'none';
  // The "C": a ring around the centre, open on the right (±40°).
  const cx = x - 0.5;
  const cy = y - 0.5;
  const dist = Math.hypot(cx, cy);
  const angle = Math.abs(Math.atan2(cy, cx));
  const inRing = dist >= 0.2 && dist <= 0.33;
  return inRing && angle > (40 * Math.PI) / 180 ? 'fg' : 'bg';
}

export function drawIcon(size: number): Buffer {
  const png = new PNG({ width: size, height: size });
  const n = SUPERSAMPLE * SUPERSAMPLE;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let fg = 0;
      let bg = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const s = shapeAt((px + (sx + 0.5) / SUPERSAMPLE) / size, (py + (sy + 0.5) / SUPERSAMPLE) / size);
          if (s === 'fg') fg++;
          else if (s === 'bg') bg++;
        }
      }
      const covered = fg + bg;
      const i = (py * size + px) * 4;
      // Colour of the covered part (white C blended over brand), alpha from total coverage.
      const white = covered ? fg / covered : 0;
      for (let c = 0; c < 3; c++) png.data[i + c] = Math.round(BRAND[c]! * (1 - white) + 255 * white);
      png.data[i + 3] = Math.round((255 * covered) / n);
    }
  }
  return PNG.sync.write(png, { colorType: 6 });
}

if (process.argv[1]?.endsWith('icons.ts')) {
  const dir = join(repoRoot, 'assets');
  mkdirSync(dir, { recursive: true });
  for (const size of ICON_SIZES) {
    writeFileSync(join(dir, `icon-${size}.png`), drawIcon(size));
    console.log(`assets/icon-${size}.png`);
  }
}
