#include "http/accept_encoding.h"

#include <optional>

namespace batuta::http {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), in thousandths.
std::optional<int> ParseQuality(std::string_view text) {
  if (text.empty() || (text[0] != '0' && text[0] != '1')) return std::nullopt;
  const int units = text[0] - '0';
  int thousandths = 0;
  if (text.size() > 1) {
    if (text[1] != '.' || text.size() > 5) return std::nullopt;
    int scale = 100;
    for (std::size_t i = 2; i < text.size(); ++i, scale /= 10) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      thousandths += (text[i] - '0') * scale;
    }
  }
  if (units == 1 && thousandths != 0) return std::nullopt;
  return units * 1000 + thousandths;
}

}  // namespace

std::vector<CodingPreference> ParseAcceptEncoding(std::string_view value) {
  std::vector<CodingPreference> out;
  while (!value.empty()) {
    const auto comma = value.find(',');
    std::string_view element = value.substr(0, comma);
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    const auto semicolon = element.find(';');
    const std::string_view coding = Trim(element.substr(0, semicolon));
    if (coding.empty()) continue;
    CodingPreference preference{Lower(coding), 1000};
    if (preference.coding == "x-gzip") preference.coding = "gzip";
    bool valid = true;
    std::string_view params =
        semicolon == std::string_view::npos ? std::string_view() : element.substr(semicolon + 1);
    while (!params.empty()) {
      const auto next = params.find(';');
      const std::string_view param = Trim(params.substr(0, next));
      params = next == std::string_view::npos ? std::string_view() : params.substr(next + 1);
      const auto equals = param.find('=');
      if (equals == std::string_view::npos) continue;
      if (!EqualsIgnoreCase(Trim(param.substr(0, equals)), "q")) continue;
      const auto quality = ParseQuality(Trim(param.substr(equals + 1)));
      if (!quality) {
        valid = false;
        break;
      }
      preference.quality = *quality;
    }
    if (valid) out.push_back(std::move(preference));
  }
  return out;
}

int CodingQuality(const std::vector<CodingPreference>& preferences, std::string_view coding) {
  const CodingPreference* wildcard = nullptr;
  for (const auto& preference : preferences) {
    if (preference.coding == coding) return preference.quality;
    if (preference.coding == "*") wildcard = &preference;
  }
  if (wildcard != nullptr) return wildcard->quality;
  return coding == "identity" ? 1000 : 0;
}

bool AcceptsGzip(const Request& request) {
  std::string joined;
  bool present = false;
  for (const auto& [name, value] : request.headers) {
    if (!EqualsIgnoreCase(name, "Accept-Encoding")) continue;
    present = true;
    if (!joined.empty()) joined += ',';
    joined += value;
  }
  if (!present) return false;
  const auto preferences = ParseAcceptEncoding(joined);
  const int gzip = CodingQuality(preferences, "gzip");
  if (gzip == 0) return false;
  for (const auto& preference : preferences) {
    if (preference.coding == "identity" && preference.quality > gzip) return false;
  }
  return true;
}

}  // namespace batuta::http
