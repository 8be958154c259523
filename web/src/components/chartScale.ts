// Axis arithmetic for the dashboard's hand-drawn SVG charts: "nice" tick steps for counts and
// durations, and linear scales from data values to pixels.

/** Ticks from 0 to the first multiple of a nice step at or above `max`, about `target` steps. */
function ticksFrom(max: number, target: number, steps: readonly number[]): number[] {
  const top = Math.max(max, 0);
  const step = steps.find((s) => s * target >= top) ?? steps[steps.length - 1]!;
  const count = Math.max(1, Math.ceil(top / step));
  return Array.from({ length: count + 1 }, (_, i) => i * step);
}

/** 1, 2, 5 times a power of ten. */
const kCountSteps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 100_000];

const kSecond = 1_000;
const kMinute = 60 * kSecond;
const kHour = 60 * kMinute;
/** Durations people read at a glance: 1, 2, 5 ms ... 500 ms, then 1, 2, 5, 10, 15, 30 s, ... */
const kDurationSteps = [
  ...[1, 2, 5, 10, 20, 50, 100, 200, 500],
  ...[1, 2, 5, 10, 15, 30].map((n) => n * kSecond),
  ...[1, 2, 5, 10, 15, 30].map((n) => n * kMinute),
  ...[1, 2, 3, 6, 12, 24, 48].map((n) => n * kHour),
];

/** Whole-number ticks for counts up to `max` (at least 0 and 1). */
export function countTicks(max: number, target = 4): number[] {
  return ticksFrom(max, target, kCountSteps);
}

/** Ticks for durations in milliseconds up to `max`, on round units (at least 0 and 1 ms). */
export function durationTicks(max: number, target = 4): number[] {
  return ticksFrom(max, target, kDurationSteps);
}

/** A linear map from [d0, d1] to [r0, r1]; a zero-width domain maps to the range's start. */
export function linearScale(d0: number, d1: number, r0: number, r1: number) {
  const span = d1 - d0;
  return (value: number) => (span === 0 ? r0 : r0 + ((value - d0) / span) * (r1 - r0));
}
