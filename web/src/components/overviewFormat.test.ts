import { describe, expect, it } from 'vitest';
import {
  firstLine,
  formatDay,
  formatDuration,
  formatPercent,
  formatRelative,
} from './overviewFormat';

const kNow = Date.parse('2025-01-15T12:00:00Z');

describe('overviewFormat', () => {
  it('formats percentages in the language, one decimal at most', () => {
    expect(formatPercent('en', 0.875)).toBe('87.5%');
    expect(formatPercent('en', 1)).toBe('100%');
    expect(formatPercent('pt-BR', 0.8756)).toBe('87,6%');
  });

  it('formats durations in the largest unit they fill', () => {
    expect(formatDuration('en', 850)).toBe('850 ms');
    expect(formatDuration('en', 4_250)).toBe('4.3 sec');
    expect(formatDuration('en', 45_000)).toBe('45 sec');
    expect(formatDuration('en', 90_000)).toBe('1.5 min');
    expect(formatDuration('en', 5_400_000)).toBe('1.5 hr');
    expect(formatDuration('pt-BR', 4_250)).toBe('4,3 s');
  });

  it('formats times relative to a moment, past and future', () => {
    expect(formatRelative('en', '2025-01-15T12:00:20Z', kNow)).toBe('in 20 seconds');
    expect(formatRelative('en', '2025-01-15T11:55:00Z', kNow)).toBe('5 minutes ago');
    expect(formatRelative('en', '2025-01-15T15:00:00Z', kNow)).toBe('in 3 hours');
    expect(formatRelative('en', '2025-01-13T12:00:00Z', kNow)).toBe('2 days ago');
    expect(formatRelative('pt-BR', '2025-01-15T09:00:00Z', kNow)).toBe('há 3 horas');
    expect(formatRelative('en', null, kNow)).toBe('');
    expect(formatRelative('en', 'soon', kNow)).toBe('');
  });

  it('formats calendar days without moving them to another zone', () => {
    expect(formatDay('en', '2025-01-05')).toBe('Jan 5');
    expect(formatDay('en', '2025-01-05', true)).toBe('Sun, Jan 5');
    expect(formatDay('pt-BR', '2025-01-05')).toBe('5 de jan.');
    expect(formatDay('en', 'not a day')).toBe('not a day');
  });

  it('takes the first non-empty line of an error', () => {
    expect(firstLine('\n  boom: no such table  \nat line 3')).toBe('boom: no such table');
    expect(firstLine('')).toBe('');
  });
});
