import { describe, expect, it } from 'vitest';
import { en } from '../../i18n/en';
import { logLine, run } from '../../test/runFixtures';
import { LogMatcher, splitMatches } from './logSearch';
import {
  draftFromFilters,
  filtersFromDraft,
  filtersFromParams,
  paramsFromFilters,
  rfc3339ToLocal,
} from './runFilters';
import { formatRunDuration, progressView, triggerText, valueText } from './runFormat';

describe('formatRunDuration', () => {
  it('uses the two largest units', () => {
    expect(formatRunDuration('en', 850)).toBe('850ms');
    expect(formatRunDuration('en', 4_250)).toBe('4.2s');
    expect(formatRunDuration('pt-BR', 4_250)).toBe('4,2 s');
    expect(formatRunDuration('en', 60_000)).toBe('1m');
    expect(formatRunDuration('en', 185_000)).toBe('3m 5s');
    expect(formatRunDuration('en', 3_725_000)).toBe('1h 2m');
    expect(formatRunDuration('en', 7_200_000)).toBe('2h');
    expect(formatRunDuration('en', null)).toBe('');
  });
});

describe('progressView', () => {
  it('reads rows (sql_export), a known end (util.wait), or nothing', () => {
    expect(progressView({ rows: 20000, phase: 'query' })).toEqual({
      fraction: null,
      rows: 20000,
      done: false,
    });
    expect(progressView({ rows: 20500, phase: 'done' }).done).toBe(true);
    expect(progressView({ waited_ms: 300, of_ms: 1200 }).fraction).toBe(0.25);
    expect(progressView({ waited_ms: 3000, of_ms: 1200 }).fraction).toBe(1);
    expect(progressView({})).toEqual({ fraction: null, rows: null, done: false });
    expect(progressView(null)).toEqual({ fraction: null, rows: null, done: false });
  });
});

describe('triggerText and valueText', () => {
  it('names the trigger and who, with the kind of a non-user', () => {
    expect(triggerText(en, run())).toEqual({ what: 'manual', by: 'by admin' });
    const byKey = run({ trigger: 'api', triggered_by: { kind: 'api_key', name: 'bi', id: 'k1' } });
    expect(triggerText(en, byKey)).toEqual({ what: 'API', by: 'by bi (API key)' });
    expect(triggerText(en, run({ trigger: 'future' })).what).toBe('future');
  });

  it('shows strings as they are and the rest as JSON', () => {
    expect(valueText('SP')).toBe('SP');
    expect(valueText(3)).toBe('3');
    expect(valueText({ a: [1] })).toBe('{"a":[1]}');
    expect(valueText(null)).toBe('null');
  });
});

describe('run filters in the address', () => {
  it('reads known filters and drops empty ones and unknown statuses', () => {
    const params = new URLSearchParams(
      'job_id=j1&status=bogus&trigger=&from=2025-01-01T00:00:00Z&x=1',
    );
    expect(filtersFromParams(params)).toEqual({ job_id: 'j1', from: '2025-01-01T00:00:00Z' });
    expect(paramsFromFilters({ status: 'failed', job_id: 'j1' }).toString()).toBe(
      'job_id=j1&status=failed',
    );
  });

  it('shows times as local date-times and sends them as RFC 3339', () => {
    const iso = new Date('2025-03-01T08:05').toISOString();
    expect(rfc3339ToLocal(iso)).toBe('2025-03-01T08:05');
    expect(rfc3339ToLocal('nonsense')).toBe('');
    const draft = draftFromFilters({ from: iso, status: 'queued' });
    expect(draft).toEqual({
      job_id: '',
      status: 'queued',
      trigger: '',
      from: '2025-03-01T08:05',
      to: '',
    });
    expect(filtersFromDraft(draft)).toEqual({ status: 'queued', from: iso });
  });
});

describe('log search', () => {
  it('splits a message around every match, ignoring case', () => {
    expect(splitMatches('Vendas e vendas', 'VENDAS')).toEqual([
      { text: 'Vendas', match: true },
      { text: ' e ', match: false },
      { text: 'vendas', match: true },
    ]);
    expect(splitMatches('abc', '')).toEqual([{ text: 'abc', match: false }]);
  });

  it('matches only the lines added since the last call', () => {
    const lines = [logLine(1, { message: 'a x' }), logLine(2, { message: 'b' })];
    const matcher = new LogMatcher();
    expect(matcher.indices(lines, 'X')).toEqual([0]);
    lines.push(logLine(3, { message: 'x again' }));
    expect(matcher.indices(lines, 'x')).toEqual([0, 2]);
    expect(matcher.indices(lines, 'b')).toEqual([1]);
  });
});
