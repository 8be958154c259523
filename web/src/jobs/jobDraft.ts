// The job editor's form model and the request bodies it makes (JobDefinition in
// api/openapi.yaml). The form keeps what people type (numbers and lists as text); the body
// converts them and sends anything unreadable as typed, so the server's 422 names the field.
import type { Schemas } from '../api/client';
import {
  type SqlExportDraft,
  emptySqlExport,
  integerOrText,
  splitList,
  sqlExportBody,
  sqlExportDraftOf,
} from './sqlExportDraft';

export type Job = Schemas['Job'];
export type ParameterSpec = Schemas['ParameterSpec'];
export type ParameterType = ParameterSpec['type'];
export type JobPolicies = Schemas['JobPolicies'];
export type OverlapPolicy = JobPolicies['overlap'];

export const kSqlExport = 'sql_export';
export const kParameterTypes: ParameterType[] = ['string', 'integer', 'number', 'boolean', 'date'];
export const kOverlapPolicies: OverlapPolicy[] = ['queue', 'skip', 'allow'];

export interface ParameterDraft {
  name: string;
  type: ParameterType;
  /** The default as typed; empty for none. Booleans: "true", "false" or "". */
  default: string;
  required: boolean;
  description: string;
}

export interface PoliciesDraft {
  timeoutSeconds: string;
  retries: string;
  backoffSeconds: string;
  overlap: OverlapPolicy;
  maxConcurrent: string;
  /** The stored policies, so the fields the form does not show are sent back unchanged. */
  base: Partial<JobPolicies>;
}

export interface JobDraft {
  name: string;
  description: string;
  /** Comma-separated. */
  tags: string;
  type: string;
  /** Only sent when creating; afterwards the list's switch changes it. */
  enabled: boolean;
  parameters: ParameterDraft[];
  policies: PoliciesDraft;
  /** The form of a sql_export config. */
  sqlExport: SqlExportDraft;
  /** Any other type's config as JSON text. */
  configText: string;
}

export function emptyParameter(): ParameterDraft {
  return { name: '', type: 'string', default: '', required: false, description: '' };
}

export function emptyDraft(type: string = kSqlExport): JobDraft {
  return {
    name: '',
    description: '',
    tags: '',
    type,
    enabled: true,
    parameters: [],
    policies: {
      timeoutSeconds: '',
      retries: '',
      backoffSeconds: '',
      overlap: 'queue',
      maxConcurrent: '',
      base: {},
    },
    sqlExport: emptySqlExport(),
    configText: '{}',
  };
}

function defaultText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The form of a stored job. */
export function draftOf(job: Job): JobDraft {
  const policies = job.policies;
  const config = job.config ?? {};
  return {
    name: job.name,
    description: job.description ?? '',
    tags: (job.tags ?? []).join(', '),
    type: job.type,
    enabled: job.enabled,
    parameters: (job.parameters ?? []).map((p) => ({
      name: p.name,
      type: p.type ?? 'string',
      default: defaultText(p.default),
      required: p.required ?? false,
      description: p.description ?? '',
    })),
    policies: {
      timeoutSeconds: policies ? String(policies.timeout_seconds) : '',
      retries: policies?.retries ? String(policies.retries.count) : '',
      backoffSeconds: policies?.retries ? String(policies.retries.backoff_seconds) : '',
      overlap: policies?.overlap ?? 'queue',
      maxConcurrent: policies ? String(policies.max_concurrent) : '',
      base: policies ?? {},
    },
    sqlExport: job.type === kSqlExport ? sqlExportDraftOf(config) : emptySqlExport(),
    configText: JSON.stringify(config, null, 2),
  };
}

/** A default as its JSON value for `type`; text that does not read as one is sent as typed. */
export function typedValue(type: ParameterType, value: string): unknown {
  const trimmed = value.trim();
  switch (type) {
    case 'integer':
      return /^-?\d+$/.test(trimmed) ? Number(trimmed) : value;
    case 'number':
      return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : value;
    case 'boolean':
      return trimmed === 'true' ? true : trimmed === 'false' ? false : value;
    default:
      return value;
  }
}

export function parameterBody(p: ParameterDraft): ParameterSpec {
  const body: ParameterSpec = { name: p.name.trim(), type: p.type, required: p.required };
  if (p.description.trim()) body.description = p.description.trim();
  if (p.default !== '') body.default = typedValue(p.type, p.default);
  return body;
}

function policiesBody(draft: PoliciesDraft): JobPolicies {
  const base = draft.base;
  const policies: Record<string, unknown> = { ...base, overlap: draft.overlap };
  if (draft.timeoutSeconds.trim()) policies.timeout_seconds = integerOrText(draft.timeoutSeconds);
  else delete policies.timeout_seconds;
  const retries: Record<string, unknown> = { ...(base.retries ?? {}) };
  if (draft.retries.trim()) retries.count = integerOrText(draft.retries);
  else delete retries.count;
  if (draft.backoffSeconds.trim()) retries.backoff_seconds = integerOrText(draft.backoffSeconds);
  else delete retries.backoff_seconds;
  policies.retries = retries;
  // max_concurrent other than 1 is refused unless overlap is "allow".
  if (draft.overlap === 'allow' && draft.maxConcurrent.trim()) {
    policies.max_concurrent = integerOrText(draft.maxConcurrent);
  } else {
    delete policies.max_concurrent;
  }
  // The server fills in every default; the form only sends what it knows.
  return policies as unknown as JobPolicies;
}

export type ConfigResult = { ok: true; config: Record<string, unknown> } | { ok: false };

/** The JSON config editor's text as an object, or not (a syntax error, or not an object). */
export function parseConfigText(text: string): ConfigResult {
  try {
    const value: unknown = JSON.parse(text.trim() === '' ? '{}' : text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return { ok: true, config: value as Record<string, unknown> };
    }
  } catch {
    // Reported by the editor, which says what is wrong with the text.
  }
  return { ok: false };
}

/** The job definition of the request; null while the JSON config does not parse. */
export function definitionBody(draft: JobDraft): Schemas['JobDefinition'] | null {
  let config: Record<string, unknown>;
  if (draft.type === kSqlExport) {
    config = sqlExportBody(draft.sqlExport);
  } else {
    const parsed = parseConfigText(draft.configText);
    if (!parsed.ok) return null;
    config = parsed.config;
  }
  return {
    name: draft.name.trim(),
    description: draft.description.trim(),
    tags: splitList(draft.tags),
    type: draft.type,
    config,
    parameters: draft.parameters.map(parameterBody),
    policies: policiesBody(draft.policies),
  };
}
