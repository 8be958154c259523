#include "sources/named_parameters.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace batuta::sources {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr PlaceholderStyle kPg = PlaceholderStyle::kDollarNumbered;
constexpr PlaceholderStyle kMy = PlaceholderStyle::kQuestionMark;

RewrittenSql Rewrite(std::string_view sql, PlaceholderStyle style) {
  Result<RewrittenSql> result = RewriteNamedParameters(sql, style);
  EXPECT_TRUE(result.ok()) << sql << ": " << result.error().message;
  return result.ok() ? std::move(result).value() : RewrittenSql{};
}

std::string PgSql(std::string_view sql) { return Rewrite(sql, kPg).sql; }
std::string MySql(std::string_view sql) { return Rewrite(sql, kMy).sql; }

void ExpectUnterminated(std::string_view sql, PlaceholderStyle style, std::string_view what) {
  Result<RewrittenSql> result = RewriteNamedParameters(sql, style);
  ASSERT_FALSE(result.ok()) << sql;
  EXPECT_EQ(result.error().code, ErrorCode::kValidation);
  EXPECT_EQ(result.error().details["field"], "query");
  EXPECT_NE(result.error().message.find(what), std::string::npos) << result.error().message;
}

TEST(NamedParametersTest, NoParameters) {
  const RewrittenSql out = Rewrite("SELECT 1", kPg);
  EXPECT_EQ(out.sql, "SELECT 1");
  EXPECT_THAT(out.parameters, IsEmpty());
  EXPECT_EQ(Rewrite("", kMy).sql, "");
}

TEST(NamedParametersTest, DollarNumberedGivesOneNumberPerDistinctName) {
  const RewrittenSql out =
      Rewrite("SELECT * FROM t WHERE a = :a AND b > :b_2 OR a < :a AND c IN (:C)", kPg);
  EXPECT_EQ(out.sql, "SELECT * FROM t WHERE a = $1 AND b > $2 OR a < $1 AND c IN ($3)");
  EXPECT_THAT(out.parameters, ElementsAre("a", "b_2", "C"));
}

TEST(NamedParametersTest, QuestionMarkListsEveryOccurrence) {
  const RewrittenSql out = Rewrite("SELECT :a, :b, :a", kMy);
  EXPECT_EQ(out.sql, "SELECT ?, ?, ?");
  EXPECT_THAT(out.parameters, ElementsAre("a", "b", "a"));
}

TEST(NamedParametersTest, ManyDistinctNamesGetMultiDigitNumbers) {
  std::string sql = "SELECT ";
  std::string expected = "SELECT ";
  for (int i = 1; i <= 12; ++i) {
    sql += ":p" + std::to_string(i) + ",";
    expected += "$" + std::to_string(i) + ",";
  }
  EXPECT_EQ(PgSql(sql), expected);
}

TEST(NamedParametersTest, NamesAreCaseSensitiveAndAscii) {
  EXPECT_THAT(Rewrite(":Name :name :_x9", kPg).parameters, ElementsAre("Name", "name", "_x9"));
  EXPECT_EQ(PgSql("x=:a+:b"), "x=$1+$2");
  EXPECT_EQ(PgSql("(:a,:b)"), "($1,$2)");
  EXPECT_EQ(PgSql(":a"), "$1");
}

TEST(NamedParametersTest, CastsAssignmentsAndDigitsAreNotParameters) {
  EXPECT_EQ(PgSql("SELECT x::int, :a::text, '1'::date"), "SELECT x::int, $1::text, '1'::date");
  EXPECT_EQ(PgSql("SELECT f(a := 1)"), "SELECT f(a := 1)");
  EXPECT_EQ(MySql("SELECT @v := 1"), "SELECT @v := 1");
  EXPECT_EQ(PgSql("SELECT '12:30', a[1:2], ts + :1"), "SELECT '12:30', a[1:2], ts + :1");
  EXPECT_EQ(PgSql("SELECT 12:30"), "SELECT 12:30");
}

TEST(NamedParametersTest, ColonAfterAWordIsNotAParameter) {
  EXPECT_EQ(PgSql("SELECT a[lo:hi], a[:lo]"), "SELECT a[lo:hi], a[$1]");
  EXPECT_EQ(PgSql("SELECT x:y"), "SELECT x:y");
  // ... but after a closing quote or a dollar quote it is one.
  EXPECT_EQ(PgSql("SELECT 'a'||:b, $$c$$||:d"), "SELECT 'a'||$1, $$c$$||$2");
  EXPECT_EQ(PgSql("SELECT \"a\":b"), "SELECT \"a\"$1");
}

TEST(NamedParametersTest, StringLiteralsAreSkipped) {
  EXPECT_EQ(PgSql("SELECT ':a', :b, 'it''s :c', :d"), "SELECT ':a', $1, 'it''s :c', $2");
  EXPECT_EQ(MySql("SELECT ':a', :b, 'it''s :c', :d"), "SELECT ':a', ?, 'it''s :c', ?");
  EXPECT_EQ(PgSql("SELECT '', :a, ''''"), "SELECT '', $1, ''''");
}

TEST(NamedParametersTest, PostgresStandardStringsKeepBackslashes) {
  // standard_conforming_strings: a backslash is an ordinary character in '...'.
  EXPECT_EQ(PgSql("SELECT 'C:\\', :a"), "SELECT 'C:\\', $1");
}

TEST(NamedParametersTest, PostgresEscapeStrings) {
  EXPECT_EQ(PgSql("SELECT E'it\\'s :x', :a"), "SELECT E'it\\'s :x', $1");
  EXPECT_EQ(PgSql("SELECT e'\\\\', :a"), "SELECT e'\\\\', $1");
  EXPECT_EQ(PgSql("SELECT (E'a''b :x'), :a"), "SELECT (E'a''b :x'), $1");
  // An E at the end of a word is part of the word: WHERE'x' is WHERE then 'x'.
  EXPECT_EQ(PgSql("SELECT 1 WHERE'\\' = :a"), "SELECT 1 WHERE'\\' = $1");
  ExpectUnterminated("SELECT E'\\'", kPg, "string literal");
}

TEST(NamedParametersTest, MysqlBackslashEscapesInStrings) {
  EXPECT_EQ(MySql("SELECT 'it\\'s :x', :a"), "SELECT 'it\\'s :x', ?");
  EXPECT_EQ(MySql("SELECT \"say \\\":x\\\"\", :a"), "SELECT \"say \\\":x\\\"\", ?");
  EXPECT_EQ(MySql("SELECT '\\\\', :a"), "SELECT '\\\\', ?");
  EXPECT_EQ(MySql("SELECT \"a\"\":x\", :a"), "SELECT \"a\"\":x\", ?");
  ExpectUnterminated("SELECT 'C:\\'", kMy, "string literal");
}

TEST(NamedParametersTest, StandardSqlHasNoBackslashEscapesNorHashComments) {
  const auto standard = [](std::string_view sql) {
    auto rewritten = RewriteNamedParameters(sql, PlaceholderStyle::kQuestionMarkStandard);
    EXPECT_TRUE(rewritten.ok()) << sql;
    return rewritten.ok() ? rewritten->sql : std::string();
  };
  // Oracle and SQL Server read 'C:\' as a complete literal.
  EXPECT_EQ(standard("SELECT * FROM t WHERE p = 'C:\\' AND id = :id"),
            "SELECT * FROM t WHERE p = 'C:\\' AND id = ?");
  EXPECT_EQ(standard("SELECT \"a\\\", :b FROM [x:y] WHERE c = :c"),
            "SELECT \"a\\\", ? FROM [x:y] WHERE c = ?");
  EXPECT_EQ(standard("SELECT 1 # :x"), "SELECT 1 # ?");
  EXPECT_EQ(PlaceholderStyleFor(SqlKind::kOdbc), PlaceholderStyle::kQuestionMarkStandard);
  EXPECT_EQ(PlaceholderStyleFor(SqlKind::kMysql), PlaceholderStyle::kQuestionMark);
  EXPECT_EQ(PlaceholderStyleFor(SqlKind::kPostgres), PlaceholderStyle::kDollarNumbered);
}

TEST(NamedParametersTest, QuotedIdentifiersAreSkipped) {
  EXPECT_EQ(PgSql("SELECT \"a:b\", \"x\"\":y\" FROM t WHERE c = :c"),
            "SELECT \"a:b\", \"x\"\":y\" FROM t WHERE c = $1");
  EXPECT_EQ(MySql("SELECT `a:b`, `x``:y` FROM t WHERE c = :c"),
            "SELECT `a:b`, `x``:y` FROM t WHERE c = ?");
  EXPECT_EQ(MySql("SELECT [a:b], [x]]:y] FROM t WHERE c = :c"),
            "SELECT [a:b], [x]]:y] FROM t WHERE c = ?");
  ExpectUnterminated("SELECT `a", kMy, "quoted identifier");
  ExpectUnterminated("SELECT [a", kMy, "bracketed identifier");
  ExpectUnterminated("SELECT \"a", kPg, "quoted identifier");
}

TEST(NamedParametersTest, PostgresBracketsAreArraysNotIdentifiers) {
  EXPECT_EQ(PgSql("SELECT ARRAY[:a, :b], `x`"), "SELECT ARRAY[$1, $2], `x`");
}

TEST(NamedParametersTest, LineComments) {
  EXPECT_EQ(PgSql("SELECT :a -- not :b, it's\n, :c"), "SELECT $1 -- not :b, it's\n, $2");
  EXPECT_EQ(MySql("SELECT :a -- :b"), "SELECT ? -- :b");
  EXPECT_EQ(MySql("SELECT :a # it's :b\n, :c"), "SELECT ? # it's :b\n, ?");
  EXPECT_EQ(MySql("SELECT * FROM #temp WHERE a = :a"), "SELECT * FROM #temp WHERE a = ?");
  // In PostgreSQL '#' is an operator.
  EXPECT_EQ(PgSql("SELECT 1 # :a"), "SELECT 1 # $1");
}

TEST(NamedParametersTest, BlockComments) {
  EXPECT_EQ(PgSql("SELECT /* :x 'y */ :a"), "SELECT /* :x 'y */ $1");
  // PostgreSQL comments nest; MySQL's end at the first */.
  EXPECT_EQ(PgSql("SELECT /* a /* :x */ :y */ :a"), "SELECT /* a /* :x */ :y */ $1");
  EXPECT_EQ(MySql("SELECT /* a /* :x */ :a"), "SELECT /* a /* :x */ ?");
  ExpectUnterminated("SELECT /* a /* b */", kPg, "comment");
  ExpectUnterminated("SELECT /* a", kMy, "comment");
  ExpectUnterminated("SELECT /*", kMy, "comment");
  EXPECT_EQ(PgSql("SELECT 4/2, :a*/"), "SELECT 4/2, $1*/");
}

TEST(NamedParametersTest, DollarQuotes) {
  EXPECT_EQ(PgSql("SELECT $$it's :x$$, :a"), "SELECT $$it's :x$$, $1");
  EXPECT_EQ(PgSql("SELECT $fn$ a $$ :x $$ $fn$, :a"), "SELECT $fn$ a $$ :x $$ $fn$, $1");
  EXPECT_EQ(PgSql("SELECT $_1$:x$_1$, :a"), "SELECT $_1$:x$_1$, $1");
  // $1 is a positional parameter, a$b$c an identifier: neither opens a dollar quote.
  EXPECT_EQ(PgSql("SELECT $1, a$b$c, :a"), "SELECT $1, a$b$c, $1");
  ExpectUnterminated("SELECT $t$ abc $u$", kPg, "dollar-quoted");
  ExpectUnterminated("SELECT $$", kPg, "dollar-quoted");
  // MySQL has no dollar quotes.
  EXPECT_EQ(MySql("SELECT $$, :a, $$"), "SELECT $$, ?, $$");
}

TEST(NamedParametersTest, UnterminatedLiteralReportsOffset) {
  Result<RewrittenSql> result = RewriteNamedParameters("SELECT 'abc", kPg);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "unterminated string literal starting at offset 7");
}

TEST(NamedParametersTest, NonAsciiTextIsCopied) {
  EXPECT_EQ(PgSql("SELECT 'ção', :a AS \"número\""), "SELECT 'ção', $1 AS \"número\"");
  // A byte >= 0x80 is a word byte: é:a is not a parameter.
  EXPECT_EQ(PgSql("SELECT café:a"), "SELECT café:a");
}

TEST(NamedParametersTest, ColonAtEndOrAlone) {
  EXPECT_EQ(PgSql("SELECT :"), "SELECT :");
  EXPECT_EQ(PgSql("SELECT : a"), "SELECT : a");
  EXPECT_EQ(PgSql("SELECT :-1"), "SELECT :-1");
}

TEST(NamedParametersTest, LeadingKeywordSkipsCommentsSpacesAndParentheses) {
  EXPECT_EQ(Rewrite("SELECT 1", kPg).leading_keyword, "select");
  EXPECT_EQ(
      Rewrite("  -- a\n/* b /* nested */ */ ((With x AS (SELECT 1) TABLE x))", kPg).leading_keyword,
      "with");
  EXPECT_EQ(Rewrite("VALUES (1)", kPg).leading_keyword, "values");
  EXPECT_EQ(Rewrite("'text'", kPg).leading_keyword, "");
  EXPECT_EQ(Rewrite("-- only a comment", kPg).leading_keyword, "");
}

TEST(NamedParametersTest, BodyEndLeavesOutAFinalSemicolonAndTrailingComments) {
  const auto body = [](std::string_view sql) {
    const RewrittenSql rewritten = Rewrite(sql, kPg);
    return rewritten.sql.substr(0, rewritten.body_end);
  };
  EXPECT_EQ(body("SELECT 1"), "SELECT 1");
  EXPECT_EQ(body("SELECT 1 ;  -- done\n /* really */ "), "SELECT 1");
  EXPECT_EQ(body("SELECT ';' -- x"), "SELECT ';'");
  EXPECT_EQ(body("SELECT :a, $$;$$ ; "), "SELECT $1, $$;$$");
  EXPECT_EQ(body("SELECT :a"), "SELECT $1");
  EXPECT_EQ(body("SELECT 1 /* c */ + 2"), "SELECT 1 /* c */ + 2");
}

}  // namespace
}  // namespace batuta::sources
