// The CSV options of a sql_export job (CsvOptions in api/openapi.yaml) as the form holds them:
// every option with a value. The server applies the preset first and the fields given after
// it, so the body sends the preset and only the options that differ from it; a stored config
// therefore reads {"preset": "excel_br"} rather than a copy of the preset's values.
import type { Schemas } from '../api/client';

export type CsvPreset = Schemas['CsvOptions']['preset'];
export type CsvEncoding = Schemas['CsvOptions']['encoding'];
export type CsvLineEnding = Schemas['CsvOptions']['line_ending'];
export type CsvDecimal = Schemas['CsvOptions']['decimal_separator'];
export type CsvOnUnmappable = Schemas['CsvOptions']['on_unmappable'];

/** Every CSV option, as the generated schema types them (all present). */
export type CsvDraft = Schemas['CsvOptions'];
export type CsvOption = keyof CsvDraft;

export const kCsvPresets: CsvPreset[] = ['rfc4180', 'excel_br'];
export const kCsvEncodings: CsvEncoding[] = ['utf-8', 'utf-8-bom', 'windows-1252'];

const kRfc4180: CsvDraft = {
  preset: 'rfc4180',
  delimiter: ',',
  quote: '"',
  header: true,
  line_ending: 'crlf',
  encoding: 'utf-8',
  on_unmappable: 'fail',
  decimal_separator: '.',
  date_format: '%Y-%m-%d',
  time_format: '%H:%M:%S%.f',
  timestamp_format: '%Y-%m-%d %H:%M:%S%.f',
  null_text: '',
  gzip: false,
  formula_guard: false,
};

/** What Excel in Brazil opens as columns: ";" between fields, "," in numbers, dd/mm/yyyy. */
const kExcelBr: CsvDraft = {
  ...kRfc4180,
  preset: 'excel_br',
  delimiter: ';',
  decimal_separator: ',',
  encoding: 'utf-8-bom',
  line_ending: 'crlf',
  formula_guard: true,
  date_format: '%d/%m/%Y',
  time_format: '%H:%M:%S',
  timestamp_format: '%d/%m/%Y %H:%M:%S',
};

/** The options a preset stands for (the same values as formats/csv_options.cc). */
export function presetOptions(preset: CsvPreset): CsvDraft {
  return { ...(preset === 'excel_br' ? kExcelBr : kRfc4180) };
}

/**
 * The form after pressing a preset's button: the preset's values. Compression is not part of
 * a format, so it stays as it was.
 */
export function applyPreset(draft: CsvDraft, preset: CsvPreset): CsvDraft {
  return { ...presetOptions(preset), gzip: draft.gzip };
}

function isPreset(value: unknown): value is CsvPreset {
  return value === 'rfc4180' || value === 'excel_br';
}

/** The form's options from a stored `config.csv` (absent: rfc4180). */
export function csvDraftOf(csv: unknown): CsvDraft {
  const stored = typeof csv === 'object' && csv !== null ? (csv as Record<string, unknown>) : {};
  const draft = presetOptions(isPreset(stored.preset) ? stored.preset : 'rfc4180');
  const writable = draft as unknown as Record<string, unknown>;
  for (const key of Object.keys(draft)) {
    if (key === 'preset' || !(key in stored)) continue;
    const value = stored[key];
    // A stored value has the type the server checked; anything else keeps the preset's.
    if (typeof value === typeof writable[key]) writable[key] = value;
  }
  return draft;
}

/** `config.csv` of the request: the preset, and the options that differ from it. */
export function csvBody(draft: CsvDraft): Partial<CsvDraft> {
  const base = presetOptions(draft.preset);
  const body: Partial<CsvDraft> = { preset: draft.preset };
  for (const key of Object.keys(base) as CsvOption[]) {
    if (key !== 'preset' && draft[key] !== base[key]) {
      (body as Record<string, unknown>)[key] = draft[key];
    }
  }
  return body;
}

/** The preset whose values the form holds exactly (ignoring gzip), if any. */
export function matchingPreset(draft: CsvDraft): CsvPreset | null {
  for (const preset of kCsvPresets) {
    const options = presetOptions(preset);
    const same = (Object.keys(options) as CsvOption[]).every(
      (key) => key === 'preset' || key === 'gzip' || options[key] === draft[key],
    );
    if (same) return preset;
  }
  return null;
}
