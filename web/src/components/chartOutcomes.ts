// The outcome groups the run charts colour by, in stacking order (bottom first). Their colours
// are CSS classes in styles.css (chart-fill-<outcome>), built on the theme's variables, so
// they follow the light and dark schemes.
import type { Schemas } from '../api/client';

export const kOutcomes = ['succeeded', 'failed', 'cancelled', 'other'] as const;
export type Outcome = (typeof kOutcomes)[number];

/** The group a run's status is counted in (timed out counts as failed, as in the API). */
export function outcomeOf(status: Schemas['RunStatus']): Outcome {
  if (status === 'succeeded') return 'succeeded';
  if (status === 'failed' || status === 'timed_out') return 'failed';
  if (status === 'cancelled') return 'cancelled';
  return 'other';
}

/**
 * The SVG path of an outcome's marker centred on (x, y), `r` its half-size: a circle for
 * succeeded, a diamond for failed, a square for cancelled, a triangle otherwise, so the
 * scatter can be read without telling the colours apart.
 */
export function markerPath(outcome: Outcome, x: number, y: number, r: number): string {
  const f = (v: number) => Math.round(v * 10) / 10;
  switch (outcome) {
    case 'succeeded':
      return `M${f(x - r)},${f(y)}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0Z`;
    case 'failed': {
      const d = r * 1.25;
      return `M${f(x)},${f(y - d)}L${f(x + d)},${f(y)}L${f(x)},${f(y + d)}L${f(x - d)},${f(y)}Z`;
    }
    case 'cancelled':
      return `M${f(x - r)},${f(y - r)}h${2 * r}v${2 * r}h${-2 * r}Z`;
    case 'other': {
      const w = r * 1.1;
      return `M${f(x)},${f(y - r * 1.2)}L${f(x + w)},${f(y + r)}L${f(x - w)},${f(y + r)}Z`;
    }
  }
}
