import { describe, expect, it } from 'vitest';
import type { Schedule } from '../api/schedules';
import {
  newScheduleDraft,
  previewBody,
  scheduleBody,
  scheduleDraftOf,
  toggledBody,
} from './scheduleDraft';

const kAt = '2025-01-15T10:00:00.000Z';

function schedule(spec: Record<string, unknown>, misfire: Record<string, unknown> = { policy: 'skip', grace_seconds: 60 }): Schedule {
  return {
    id: 's1',
    job_id: 'j1',
    spec,
    misfire,
    enabled: true,
    next_fire_at: null,
    last_scheduled_for: null,
    created_at: kAt,
    updated_at: kAt,
  };
}

describe('the schedule builder’s body', () => {
  it('sends the typed cron, the zone and the misfire policy', () => {
    const draft = { ...newScheduleDraft('America/Sao_Paulo'), cron: ' 30 6 * * 1-5 ' };
    expect(scheduleBody(draft)).toEqual({
      cron: '30 6 * * 1-5',
      timezone: 'America/Sao_Paulo',
      misfire: { policy: 'skip' },
      enabled: true,
    });
    expect(previewBody(draft)).toEqual({
      cron: '30 6 * * 1-5',
      timezone: 'America/Sao_Paulo',
      enabled: true,
    });
  });

  it('sends what the picker makes', () => {
    const draft = {
      ...newScheduleDraft('UTC'),
      mode: 'picker' as const,
      picker: { weekdays: [1, 3], hours: [8], minutes: [0, 30] },
      misfire: 'catch_up' as const,
      catchUpMax: '3',
      catchUpWindowSeconds: '3600',
    };
    expect(scheduleBody(draft)).toEqual({
      cron: '0,30 8 * * 1,3',
      timezone: 'UTC',
      misfire: { policy: 'catch_up', max: 3, window_seconds: 3600 },
      enabled: true,
    });
    expect(scheduleBody({ ...draft, picker: { weekdays: [], hours: [], minutes: [] } })).toBeNull();
  });

  it('opens a stored schedule, keeping its grace and a weekdays × times spec cron cannot say', () => {
    const grid = scheduleDraftOf(
      schedule({ weekdays: ['mon'], times: ['06:00', '06:30'], timezone: 'UTC' }),
      'America/Sao_Paulo',
    );
    expect(grid.cron).toBe('0,30 6 * * 1');
    expect(grid.keptSpec).toBeNull();
    const odd = scheduleDraftOf(
      schedule({ weekdays: ['mon'], times: ['06:00', '12:30'], timezone: 'UTC' }),
      'America/Sao_Paulo',
    );
    expect(scheduleBody(odd)).toEqual({
      weekdays: ['mon'],
      times: ['06:00', '12:30'],
      timezone: 'UTC',
      misfire: { policy: 'skip', grace_seconds: 60 },
      enabled: true,
    });
  });

  it('switches a stored schedule off with everything else unchanged', () => {
    const stored = schedule({ cron: '0 6 * * *', timezone: 'UTC' });
    expect(toggledBody(stored, false)).toEqual({
      cron: '0 6 * * *',
      timezone: 'UTC',
      misfire: { policy: 'skip', grace_seconds: 60 },
      enabled: false,
    });
  });
});
