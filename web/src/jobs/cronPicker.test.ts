import { describe, expect, it } from 'vitest';
import { compactList, cronToSelection, selectionToCron, weekdayTimesToCron } from './cronPicker';

describe('the weekday/hour/minute picker', () => {
  it('writes runs of three or more as ranges', () => {
    expect(compactList([5, 1, 2, 3])).toBe('1-3,5');
    expect(compactList([0, 6])).toBe('0,6');
    expect(compactList([9, 10, 11, 12, 13, 14, 15, 16, 17])).toBe('9-17');
  });

  it('makes a cron expression of the choice', () => {
    expect(selectionToCron({ weekdays: [1, 2, 3, 4, 5], hours: [6, 12], minutes: [0, 30] })).toBe(
      '0,30 6,12 * * 1-5',
    );
    // No weekday, or all seven, is every day.
    expect(selectionToCron({ weekdays: [], hours: [6], minutes: [0] })).toBe('0 6 * * *');
    expect(selectionToCron({ weekdays: [0, 1, 2, 3, 4, 5, 6], hours: [6], minutes: [0] })).toBe(
      '0 6 * * *',
    );
    expect(selectionToCron({ weekdays: [1], hours: [], minutes: [0] })).toBeNull();
    expect(selectionToCron({ weekdays: [1], hours: [6], minutes: [] })).toBeNull();
  });

  it('reads back the expressions it can show', () => {
    expect(cronToSelection('0,30 6,12 * * 1-5')).toEqual({
      weekdays: [1, 2, 3, 4, 5],
      hours: [6, 12],
      minutes: [0, 30],
    });
    expect(cronToSelection('*/15 9-11 * * sun')).toEqual({
      weekdays: [0],
      hours: [9, 10, 11],
      minutes: [0, 15, 30, 45],
    });
    expect(cronToSelection('0 6 * * *')?.weekdays).toEqual([]);
    expect(cronToSelection('0 0 6 * * 7')?.weekdays).toEqual([0]);
  });

  it('refuses what it cannot show', () => {
    expect(cronToSelection('7 6 * * *')).toBeNull(); // off the 5-minute grid
    expect(cronToSelection('0 6 1 * *')).toBeNull(); // a day of the month
    expect(cronToSelection('0 6 * 1 *')).toBeNull(); // a month
    expect(cronToSelection('30 0 6 * * *')).toBeNull(); // seconds
    expect(cronToSelection('not cron')).toBeNull();
  });

  it('turns a weekdays × times spec into cron when the times are a grid', () => {
    expect(weekdayTimesToCron(['mon', 'tue', 'wed', 'thu', 'fri'], ['06:00', '12:30'])).toBeNull();
    expect(weekdayTimesToCron(['mon', 'fri'], ['06:00', '06:30', '12:00', '12:30'])).toBe(
      '0,30 6,12 * * 1,5',
    );
    expect(weekdayTimesToCron(['sat', 'sun'], ['08:15'])).toBe('15 8 * * 0,6');
  });
});
