import { describe, expect, it } from 'vitest';
import { isBuiltInParameter, queryParameters, tokenizeSql } from './sqlTokenizer';

const kinds = (sql: string) =>
  tokenizeSql(sql)
    .filter((t) => t.type !== 'space')
    .map((t) => `${t.type}:${t.text}`);

describe('tokenizeSql', () => {
  it('keeps every character, in order', () => {
    const sql = "SELECT a, 'x''y' AS b -- note\nFROM t /* c */ WHERE d >= :window_start::date;";
    expect(
      tokenizeSql(sql)
        .map((t) => t.text)
        .join(''),
    ).toBe(sql);
  });

  it('tells keywords, identifiers, strings, numbers, comments and parameters apart', () => {
    expect(kinds("select id, 'it''s' from vendas where dia >= :window_start and n > 1.5e3")).toEqual([
      'keyword:select',
      'identifier:id',
      'operator:,',
      "string:'it''s'",
      'keyword:from',
      'identifier:vendas',
      'keyword:where',
      'identifier:dia',
      'operator:>=',
      'parameter::window_start',
      'keyword:and',
      'identifier:n',
      'operator:>',
      'number:1.5e3',
    ]);
  });

  it('sees comments and quoted names whole, with nothing highlighted inside', () => {
    expect(kinds('-- select :x\nSELECT "from" /* :y */')).toEqual([
      'comment:-- select :x',
      'keyword:SELECT',
      'quoted:"from"',
      'comment:/* :y */',
    ]);
    expect(kinds("'unterminated :p")).toEqual(["string:'unterminated :p"]);
  });

  it("does not take PostgreSQL's ::casts for parameters", () => {
    expect(kinds('x::int, :p')).toEqual([
      'identifier:x',
      'operator:::',
      'identifier:int',
      'operator:,',
      'parameter::p',
    ]);
  });

  it('lists the parameters a query uses, once each, outside strings and comments', () => {
    expect(
      queryParameters("SELECT * FROM t WHERE a = :hospital AND b >= :today AND c = ':no' -- :no\nAND d = :hospital"),
    ).toEqual(['hospital', 'today']);
  });

  it('knows the built-in parameters of sql_export', () => {
    expect(isBuiltInParameter('window_start')).toBe(true);
    expect(isBuiltInParameter('days_ago_30')).toBe(true);
    expect(isBuiltInParameter('days_ago_9999')).toBe(false);
    expect(isBuiltInParameter('hospital')).toBe(false);
  });
});
