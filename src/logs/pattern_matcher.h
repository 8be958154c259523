#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace batuta::logs {

// A half-open byte range [begin, end) of a text.
struct ByteRange {
  std::size_t begin = 0;
  std::size_t end = 0;
  bool operator==(const ByteRange&) const = default;
};

// A fixed set of byte patterns compiled into an Aho-Corasick automaton (a full DFA over byte
// classes), so one pass over a text finds every occurrence of every pattern, in time linear
// in the text whatever the number of patterns. Built once, then immutable: thread-safe for
// concurrent Find calls.
//
// Memory is states x byte classes x 4 bytes, where states is at most the total pattern length
// and byte classes is the number of distinct bytes the patterns use, plus one. Building is
// meant for rare events (registering a secret), matching for every log line.
class PatternMatcher {
 public:
  PatternMatcher() = default;  // matches nothing
  // Empty patterns are ignored; duplicates are harmless.
  explicit PatternMatcher(const std::vector<std::string>& patterns);

  bool empty() const { return out_length_.size() <= 1; }

  // The union of the ranges every occurrence of every pattern covers, as disjoint ranges in
  // increasing order. Occurrences that overlap are merged into one range (so overlapping
  // secrets are covered completely, which subsumes "longest match first"); ranges that only
  // touch stay separate. Empty when nothing matches; allocates only when something does.
  std::vector<ByteRange> Find(std::string_view text) const;

 private:
  std::int32_t Next(std::int32_t state, unsigned char byte) const {
    return transitions_[static_cast<std::size_t>(state) * class_count_ + byte_class_[byte]];
  }

  std::uint16_t byte_class_[256] = {};  // byte -> class; class 0: a byte no pattern uses
  std::size_t class_count_ = 1;
  // transitions_[state * class_count_ + class] -> next state; state 0 is the root.
  std::vector<std::int32_t> transitions_ = {0};
  // Per state: length of the longest pattern that is a suffix of the state's text; 0: none.
  std::vector<std::uint32_t> out_length_ = {0};
};

}  // namespace batuta::logs
