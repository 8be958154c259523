// A small SQL tokenizer for highlighting, not for parsing: it splits text into tokens whose
// texts, joined, are the input exactly (so the highlighted copy lines up with the textarea
// above it). It knows comments (-- and /* */), strings ('...' with '' inside), quoted
// identifiers ("..." and `...`), numbers, :named parameters (but not PostgreSQL's ::casts),
// and common keywords of the SQL dialects batuta reads (SQLite, PostgreSQL, MySQL, ODBC).

export type SqlTokenType =
  | 'keyword'
  | 'identifier'
  | 'string'
  | 'quoted'
  | 'number'
  | 'comment'
  | 'parameter'
  | 'operator'
  | 'space';

export interface SqlToken {
  type: SqlTokenType;
  text: string;
}

const kKeywords = new Set(
  `select from where and or not null is in as join left right inner outer full cross on using
  group by order having limit offset union all distinct case when then else end with recursive
  insert update delete into values set create table view index drop alter between like ilike
  exists asc desc true false cast over partition rows range fetch first next only interval
  date time timestamp current_date current_timestamp nulls except intersect lateral returning
  filter window escape collate natural any some top`
    .split(/\s+/)
    .filter(Boolean),
);

/** Each rule matches at the start of the rest of the text (sticky), in this order. */
const kRules: { type: SqlTokenType; pattern: RegExp }[] = [
  { type: 'space', pattern: /\s+/y },
  { type: 'comment', pattern: /--[^\n]*/y },
  { type: 'comment', pattern: /\/\*[\s\S]*?(?:\*\/|$)/y },
  { type: 'string', pattern: /'(?:[^']|'')*(?:'|$)/y },
  { type: 'quoted', pattern: /"(?:[^"]|"")*(?:"|$)/y },
  { type: 'quoted', pattern: /`[^`]*(?:`|$)/y },
  { type: 'operator', pattern: /::/y },
  { type: 'parameter', pattern: /:[A-Za-z_][A-Za-z0-9_]*/y },
  { type: 'number', pattern: /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y },
  { type: 'identifier', pattern: /[A-Za-z_][A-Za-z0-9_$]*/y },
  // One character at a time, so a comment or string right after an operator is still seen.
  { type: 'operator', pattern: /[^\sA-Za-z0-9_'"`]/y },
];

export function tokenizeSql(text: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let at = 0;
  while (at < text.length) {
    let matched = false;
    for (const rule of kRules) {
      rule.pattern.lastIndex = at;
      const match = rule.pattern.exec(text);
      if (!match || match[0] === '') continue;
      const word = match[0];
      const type =
        rule.type === 'identifier' && kKeywords.has(word.toLowerCase()) ? 'keyword' : rule.type;
      const last = tokens[tokens.length - 1];
      // Consecutive operator characters become one token (fewer spans to draw).
      if (last && last.type === type && type === 'operator') last.text += word;
      else tokens.push({ type, text: word });
      at += word.length;
      matched = true;
      break;
    }
    if (!matched) {
      // Unreachable with the rules above (the last one takes any other character); kept so
      // a future rule change cannot loop forever.
      tokens.push({ type: 'operator', text: text.charAt(at) });
      at += 1;
    }
  }
  return tokens;
}

/** The distinct :parameters the query names, in order of first use (without the colon). */
export function queryParameters(text: string): string[] {
  const names: string[] = [];
  for (const token of tokenizeSql(text)) {
    if (token.type !== 'parameter') continue;
    const name = token.text.slice(1);
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

const kBuiltIns = new Set([
  'today',
  'yesterday',
  'window_start',
  'month_start',
  'previous_month_start',
  'previous_month_end',
  'now',
]);

/** A parameter the sql_export runner fills in itself (SqlExportConfig in api/openapi.yaml). */
export function isBuiltInParameter(name: string): boolean {
  if (kBuiltIns.has(name)) return true;
  const match = /^days_ago_(\d+)$/.exec(name);
  return match !== null && Number(match[1]) <= 3660;
}
