#include "storage/path_template.h"

#include <gtest/gtest.h>

#include <string>

namespace batuta::storage {
namespace {

const TemplateValues kValues = {{"dataset", "sales"}, {"yyyy", "2024"}, {"mm", "05"}};

std::string Render(std::string_view tmpl, const TemplateValues& values = kValues) {
  auto rendered = RenderPathTemplate(tmpl, values, "config.output.path");
  EXPECT_TRUE(rendered.ok()) << tmpl << ": " << rendered.error().message;
  return rendered.ok() ? *rendered : "";
}

Error RenderError(std::string_view tmpl, const TemplateValues& values = kValues) {
  auto rendered = RenderPathTemplate(tmpl, values, "config.output.path");
  EXPECT_FALSE(rendered.ok()) << tmpl << " rendered as " << *rendered;
  if (rendered.ok()) return {};
  EXPECT_EQ(rendered.error().code, ErrorCode::kValidation);
  EXPECT_EQ(rendered.error().details.value("field", ""), "config.output.path");
  return rendered.error();
}

TEST(PathTemplateTest, RendersPlaceholders) {
  EXPECT_EQ(Render("{dataset}/{yyyy}-{mm}.csv"), "sales/2024-05.csv");
  EXPECT_EQ(Render("fixed.csv"), "fixed.csv");
  EXPECT_EQ(Render("{dataset}{dataset}"), "salessales");
  EXPECT_EQ(Render("..{mm}.csv"), "..05.csv");
  EXPECT_EQ(Render("{x.y-z_1}", {{"x.y-z_1", "v"}}), "v");
  // The field defaults to "path".
  EXPECT_EQ(RenderPathTemplate("{nope}", kValues).error().details.value("field", ""), "path");
}

TEST(PathTemplateTest, DoubledBracesAreLiteral) {
  EXPECT_EQ(Render("{{literal}}_{mm}.csv"), "{literal}_05.csv");
  EXPECT_EQ(Render("a}}b{{c"), "a}b{c");
  EXPECT_EQ(Render("{{{mm}}}"), "{05}");
}

TEST(PathTemplateTest, UnknownPlaceholderListsTheKnownOnes) {
  EXPECT_EQ(RenderError("{dataset}/{day}.csv").message,
            "unknown placeholder {day}; known: {dataset}, {mm}, {yyyy}");
  EXPECT_EQ(RenderError("{day}", {}).message, "unknown placeholder {day}; known: (none)");
}

TEST(PathTemplateTest, RefusesValuesThatWouldCreateFolders) {
  for (const std::string& value : {std::string("a/b"), std::string("/abs"), std::string("a\\b"),
                                   std::string(".."), std::string("."), std::string("a\0b", 3)}) {
    const Error error = RenderError("out/{dataset}.csv", {{"dataset", value}});
    EXPECT_NE(error.message.find("{dataset}"), std::string::npos) << error.message;
    EXPECT_NE(error.message.find("must not create folders"), std::string::npos);
  }
  EXPECT_EQ(Render("{dataset}.csv", {{"dataset", "..x"}}), "..x.csv");
}

TEST(PathTemplateTest, RefusesBadSyntax) {
  for (const std::string_view tmpl : {"{", "}", "{mm", "mm}", "{}", "{m m}", "{a/b}", "{{mm}"}) {
    RenderError(tmpl);
  }
}

TEST(PathTemplateTest, ValidatesStructureAndNames) {
  const std::vector<std::string> known = {"yyyy", "mm", "dataset"};
  EXPECT_TRUE(ValidatePathTemplate("{dataset}/{yyyy}/{mm}.csv", known, "f").ok());
  EXPECT_TRUE(ValidatePathTemplate("..{mm}/x..y/{yyyy}..", known, "f").ok());
  EXPECT_TRUE(ValidatePathTemplate("{{x}}.csv", known, "f").ok());

  for (const std::string_view tmpl :
       {"", "/data/{mm}.csv", "../{mm}.csv", "a/../{mm}", "a/..", "./{mm}", "a//{mm}", "{mm}/",
        "a\\{mm}", ".batuta/{mm}", "{mm}/.batuta-x", "{mm}/.BATUTA", "{", "{mm"}) {
    const Status status = ValidatePathTemplate(tmpl, known, "config.output.path");
    ASSERT_FALSE(status.ok()) << tmpl;
    EXPECT_EQ(status.error().code, ErrorCode::kValidation);
    EXPECT_EQ(status.error().details.value("field", ""), "config.output.path");
  }
  EXPECT_EQ(ValidatePathTemplate("{day}.csv", known, "f").error().message,
            "unknown placeholder {day}; known: {dataset}, {mm}, {yyyy}");
  EXPECT_NE(ValidatePathTemplate("/x/{mm}", known, "f").error().message.find("absolute"),
            std::string::npos);
  EXPECT_NE(ValidatePathTemplate("a/../{mm}", known, "f").error().message.find("'..'"),
            std::string::npos);
}

}  // namespace
}  // namespace batuta::storage
