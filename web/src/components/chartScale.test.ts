import { describe, expect, it } from 'vitest';
import { countTicks, durationTicks, linearScale } from './chartScale';

describe('chartScale', () => {
  it('puts count ticks on whole, round steps that reach the maximum', () => {
    expect(countTicks(0)).toEqual([0, 1]);
    expect(countTicks(3)).toEqual([0, 1, 2, 3]);
    expect(countTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(countTicks(130)).toEqual([0, 50, 100, 150]);
  });

  it('puts duration ticks on round units', () => {
    expect(durationTicks(0)).toEqual([0, 1]);
    expect(durationTicks(850)).toEqual([0, 500, 1_000]);
    expect(durationTicks(45_000)).toEqual([0, 15_000, 30_000, 45_000]);
    expect(durationTicks(100_000)).toEqual([0, 30_000, 60_000, 90_000, 120_000]);
    expect(durationTicks(2.5 * 3_600_000)).toEqual([0, 3_600_000, 7_200_000, 10_800_000]);
  });

  it('maps a domain linearly onto a range, inverted when asked', () => {
    const y = linearScale(0, 10, 200, 0);
    expect(y(0)).toBe(200);
    expect(y(5)).toBe(100);
    expect(y(10)).toBe(0);
    expect(linearScale(3, 3, 10, 20)(3)).toBe(10);
  });
});
