// The schedule builder's form model and the ScheduleBody it sends. The builder always saves a
// cron expression: typed, or made by the weekday/hour/minute picker. A stored weekdays × times
// schedule opens as the equivalent cron when there is one.
import type { Schedule, ScheduleBody } from '../api/schedules';
import {
  type PickerSelection,
  cronToSelection,
  selectionToCron,
  weekdayTimesToCron,
} from './cronPicker';

export type ScheduleMode = 'cron' | 'picker';
export type MisfirePolicy = NonNullable<NonNullable<ScheduleBody['misfire']>['policy']>;
export const kMisfirePolicies: MisfirePolicy[] = ['skip', 'run_once', 'catch_up'];

export interface ScheduleDraft {
  mode: ScheduleMode;
  cron: string;
  picker: PickerSelection;
  timezone: string;
  misfire: MisfirePolicy;
  /** catch_up only, as typed. */
  catchUpMax: string;
  catchUpWindowSeconds: string;
  /** Not shown; a stored value is sent back unchanged. */
  graceSeconds: string;
  enabled: boolean;
  /**
   * A stored weekdays × times spec no single cron expression equals; sent back unchanged
   * until the user types or picks something else.
   */
  keptSpec: Record<string, unknown> | null;
}

export const kDefaultCron = '0 6 * * 1-5';

export function newScheduleDraft(timezone: string): ScheduleDraft {
  return {
    mode: 'cron',
    cron: kDefaultCron,
    picker: cronToSelection(kDefaultCron) ?? { weekdays: [], hours: [], minutes: [] },
    timezone,
    misfire: 'skip',
    catchUpMax: '',
    catchUpWindowSeconds: '',
    graceSeconds: '',
    enabled: true,
    keptSpec: null,
  };
}

const asText = (value: unknown) => (typeof value === 'number' ? String(value) : '');

/** The stored spec as a cron expression, when it has (or is equivalent to) one. */
export function cronOfSpec(spec: Record<string, unknown>): string | null {
  if (typeof spec.cron === 'string') return spec.cron;
  if (Array.isArray(spec.weekdays) && Array.isArray(spec.times)) {
    return weekdayTimesToCron(spec.weekdays.map(String), spec.times.map(String));
  }
  return null;
}

export function scheduleDraftOf(schedule: Schedule, fallbackZone: string): ScheduleDraft {
  const spec = schedule.spec;
  const misfire = schedule.misfire as Record<string, unknown>;
  const cron = cronOfSpec(spec);
  const policy = kMisfirePolicies.find((p) => p === misfire.policy) ?? 'skip';
  return {
    mode: 'cron',
    cron: cron ?? '',
    picker: (cron && cronToSelection(cron)) || { weekdays: [], hours: [], minutes: [] },
    timezone: typeof spec.timezone === 'string' ? spec.timezone : fallbackZone,
    misfire: policy,
    catchUpMax: asText(misfire.max),
    catchUpWindowSeconds: asText(misfire.window_seconds),
    graceSeconds: asText(misfire.grace_seconds),
    enabled: schedule.enabled,
    keptSpec: cron === null ? spec : null,
  };
}

/** The expression the draft stands for: typed, or made by the picker (null: incomplete). */
export function draftCron(draft: ScheduleDraft): string | null {
  if (draft.mode === 'picker') return selectionToCron(draft.picker);
  return draft.cron.trim() === '' ? null : draft.cron.trim();
}

function integerOrText(value: string): number | string {
  return /^\d+$/.test(value.trim()) ? Number(value.trim()) : value.trim();
}

/** The spec members of the body: the kept weekdays × times, or the cron expression. */
function specBody(draft: ScheduleDraft): Pick<ScheduleBody, 'cron' | 'weekdays' | 'times'> | null {
  if (draft.keptSpec) {
    const { weekdays, times } = draft.keptSpec as Pick<ScheduleBody, 'weekdays' | 'times'>;
    return { weekdays, times };
  }
  const cron = draftCron(draft);
  return cron === null ? null : { cron };
}

/** What the preview is asked: the spec and zone only. Null while there is no expression. */
export function previewBody(draft: ScheduleDraft): ScheduleBody | null {
  const spec = specBody(draft);
  return spec ? { ...spec, timezone: draft.timezone, enabled: true } : null;
}

/** The body of POST /jobs/{id}/schedules and PUT /schedules/{id}. */
export function scheduleBody(draft: ScheduleDraft): ScheduleBody | null {
  const spec = specBody(draft);
  if (!spec) return null;
  const misfire: Record<string, unknown> = { policy: draft.misfire };
  if (draft.graceSeconds) misfire.grace_seconds = integerOrText(draft.graceSeconds);
  if (draft.misfire === 'catch_up') {
    if (draft.catchUpMax.trim()) misfire.max = integerOrText(draft.catchUpMax);
    if (draft.catchUpWindowSeconds.trim()) {
      misfire.window_seconds = integerOrText(draft.catchUpWindowSeconds);
    }
  }
  return {
    ...spec,
    timezone: draft.timezone,
    misfire: misfire as ScheduleBody['misfire'],
    enabled: draft.enabled,
  };
}

/** A stored schedule's body with `enabled` changed (the list's switch). */
export function toggledBody(schedule: Schedule, enabled: boolean): ScheduleBody {
  return {
    ...(schedule.spec as Pick<ScheduleBody, 'cron' | 'weekdays' | 'times' | 'timezone'>),
    misfire: schedule.misfire as ScheduleBody['misfire'],
    enabled,
  };
}
