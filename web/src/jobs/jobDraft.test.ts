import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { en } from '../i18n/en';
import { applyPreset, csvBody, csvDraftOf, matchingPreset, presetOptions } from './csvOptions';
import { controlOf, jobFieldErrors } from './fieldErrors';
import { type Job, definitionBody, draftOf, emptyDraft } from './jobDraft';
import { emptySqlExport, sqlExportBody } from './sqlExportDraft';

const kAt = '2025-01-15T10:00:00.000Z';

function storedJob(overrides: Partial<Job> = {}): Job {
  return {
    id: 'j1',
    name: 'vendas',
    description: '',
    tags: ['bi'],
    type: 'sql_export',
    config: {
      connection: 'dw',
      query: 'SELECT 1',
      csv: { preset: 'excel_br', gzip: true },
      output: { storage: 'reports', mode: 'accumulate', date_column: 'dia' },
    },
    parameters: [{ name: 'days', type: 'integer', default: 7, required: false, description: '' }],
    policies: {
      timeout_seconds: 600,
      retries: { count: 2, backoff_seconds: 30, multiplier: 3, max_backoff_seconds: 3600, jitter: true },
      overlap: 'skip',
      max_concurrent: 1,
      notify_on: ['failure'],
    },
    enabled: true,
    version: 3,
    created_at: kAt,
    updated_at: kAt,
    updated_by: 'admin',
    ...overrides,
  };
}

describe('CSV options', () => {
  it('sends the preset and only what differs from it', () => {
    const excel = applyPreset(presetOptions('rfc4180'), 'excel_br');
    expect(csvBody(excel)).toEqual({ preset: 'excel_br' });
    expect(csvBody({ ...excel, delimiter: '|', gzip: true })).toEqual({
      preset: 'excel_br',
      delimiter: '|',
      gzip: true,
    });
    expect(csvBody(presetOptions('rfc4180'))).toEqual({ preset: 'rfc4180' });
  });

  it('Excel (Brasil) is ";" fields, "," decimals, BOM, CRLF, formula guard and Brazilian dates', () => {
    const excel = applyPreset({ ...presetOptions('rfc4180'), gzip: true, delimiter: '|' }, 'excel_br');
    expect(excel).toMatchObject({
      preset: 'excel_br',
      delimiter: ';',
      decimal_separator: ',',
      encoding: 'utf-8-bom',
      line_ending: 'crlf',
      formula_guard: true,
      date_format: '%d/%m/%Y',
      timestamp_format: '%d/%m/%Y %H:%M:%S',
      gzip: true, // compression is not part of a preset
    });
    expect(matchingPreset(excel)).toBe('excel_br');
    expect(matchingPreset({ ...excel, quote: "'" })).toBeNull();
  });

  it('reads a stored config over its preset', () => {
    expect(csvDraftOf({ preset: 'excel_br', delimiter: '\t' })).toMatchObject({
      delimiter: '\t',
      decimal_separator: ',',
    });
    expect(csvDraftOf(undefined)).toEqual(presetOptions('rfc4180'));
  });
});

describe('the sql_export config body', () => {
  it('leaves out what is empty and converts numbers', () => {
    const draft = { ...emptySqlExport(), connection: ' dw ', query: 'SELECT 1', keepVersions: '5' };
    expect(sqlExportBody(draft)).toEqual({
      connection: 'dw',
      query: 'SELECT 1',
      read_only: true,
      csv: { preset: 'rfc4180' },
      output: { mode: 'overwrite' },
      keep_versions: 5,
    });
  });

  it('sends what is not a number as typed, for the server to name the field', () => {
    expect(sqlExportBody({ ...emptySqlExport(), daysOffset: 'two' }).days_offset).toBe('two');
  });

  it('sends exactly one of key and date_column when accumulating', () => {
    const base = { ...emptySqlExport(), mode: 'accumulate' as const, key: 'a, b', dateColumn: 'dia' };
    expect(sqlExportBody({ ...base, accumulateBy: 'key' }).output).toEqual({
      mode: 'accumulate',
      key: ['a', 'b'],
    });
    expect(sqlExportBody({ ...base, accumulateBy: 'date_column' }).output).toEqual({
      mode: 'accumulate',
      date_column: 'dia',
    });
    expect(sqlExportBody({ ...base, mode: 'per_period', period: 'year' }).output).toEqual({
      mode: 'per_period',
      period: 'year',
    });
  });
});

describe('the job definition body', () => {
  it('round-trips a stored job, keeping the policies the form does not show', () => {
    const body = definitionBody(draftOf(storedJob()));
    expect(body).toEqual({
      name: 'vendas',
      description: '',
      tags: ['bi'],
      type: 'sql_export',
      config: {
        connection: 'dw',
        query: 'SELECT 1',
        read_only: true,
        csv: { preset: 'excel_br', gzip: true },
        output: { mode: 'accumulate', storage: 'reports', date_column: 'dia' },
      },
      parameters: [{ name: 'days', type: 'integer', default: 7, required: false }],
      policies: {
        timeout_seconds: 600,
        retries: { count: 2, backoff_seconds: 30, multiplier: 3, max_backoff_seconds: 3600, jitter: true },
        overlap: 'skip',
        notify_on: ['failure'],
      },
    });
  });

  it('types parameter defaults, and keeps the text of one that is not of its type', () => {
    const draft = emptyDraft('util.wait');
    draft.parameters = [
      { name: 'n', type: 'number', default: '2.5', required: false, description: '' },
      { name: 'b', type: 'boolean', default: 'false', required: true, description: 'flag' },
      { name: 'i', type: 'integer', default: 'x', required: false, description: '' },
      { name: 'd', type: 'date', default: '', required: false, description: '' },
    ];
    expect(definitionBody(draft)?.parameters).toEqual([
      { name: 'n', type: 'number', default: 2.5, required: false },
      { name: 'b', type: 'boolean', default: false, required: true, description: 'flag' },
      { name: 'i', type: 'integer', default: 'x', required: false },
      { name: 'd', type: 'date', required: false },
    ]);
  });

  it('sends another type’s JSON config as parsed, and nothing while it does not parse', () => {
    const draft = { ...emptyDraft('util.wait'), name: 'w', configText: '{"seconds": 5}' };
    expect(definitionBody(draft)?.config).toEqual({ seconds: 5 });
    expect(definitionBody({ ...draft, configText: '{"seconds": ' })).toBeNull();
    expect(definitionBody({ ...draft, configText: '[1]' })).toBeNull();
  });
});

describe('where an error is shown', () => {
  it('maps API field paths to the controls', () => {
    expect(controlOf('config.query', 'sql_export', 0)).toBe('config.query');
    expect(controlOf('config.csv.delimiter', 'sql_export', 0)).toBe('config.csv.delimiter');
    expect(controlOf('config.output.mode', 'sql_export', 0)).toBe('config.output.mode');
    expect(controlOf('tags[3]', 'sql_export', 0)).toBe('tags');
    expect(controlOf('parameters[0].type', 'sql_export', 1)).toBe('parameters[0].type');
    expect(controlOf('parameters[0]', 'sql_export', 1)).toBe('parameters[0].name');
    expect(controlOf('parameters[4].type', 'sql_export', 1)).toBe('parameters');
    expect(controlOf('config.seconds', 'util.wait', 0)).toBe('config');
    // A type that describes its fields has a control for each, and none for other paths.
    expect(controlOf('config.seconds', 'util.wait', 0, ['seconds'])).toBe('config.seconds');
    expect(controlOf('config.colour', 'util.wait', 0, ['seconds'])).toBeNull();
    expect(controlOf('config.csv.colour', 'sql_export', 0)).toBeNull();
    expect(controlOf('policies.retries.multiplier', 'sql_export', 0)).toBeNull();
    expect(controlOf('bogus', 'sql_export', 0)).toBeNull();
  });

  it('puts a 422 under its control, anything else over the form', () => {
    const invalid = new ApiError(422, 'validation', 'must not be empty', { field: 'config.query' });
    const errors = jobFieldErrors(en, invalid, 'sql_export', 0);
    expect(errors.at('config.query')).toBe('must not be empty');
    expect(errors.at('name')).toBeUndefined();
    expect(errors.form).toBeNull();
    const unknown = new ApiError(422, 'validation', 'nope', { field: 'policies.retries.jitter' });
    expect(jobFieldErrors(en, unknown, 'sql_export', 0).form).toBe('nope');
    const taken = new ApiError(409, 'conflict', "a job named 'x' exists", { field: 'name' });
    expect(jobFieldErrors(en, taken, 'sql_export', 0).at('name')).toBe("a job named 'x' exists");
  });
});
