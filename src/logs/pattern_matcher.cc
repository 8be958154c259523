#include "logs/pattern_matcher.h"

#include <algorithm>
#include <cassert>
#include <queue>

namespace batuta::logs {

PatternMatcher::PatternMatcher(const std::vector<std::string>& patterns) {
  // Byte classes: every byte some pattern uses gets its own class; all other bytes share class
  // 0, which always leads back to the root. This keeps the table narrow (secrets use few
  // distinct bytes) without changing what matches.
  for (const std::string& pattern : patterns) {
    for (const char c : pattern) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte_class_[byte] == 0) byte_class_[byte] = static_cast<std::uint16_t>(class_count_++);
    }
  }
  constexpr std::int32_t kNone = -1;
  transitions_.assign(class_count_, kNone);
  out_length_.assign(1, 0);

  // The trie; missing edges are kNone until the breadth-first pass fills them.
  for (const std::string& pattern : patterns) {
    if (pattern.empty()) continue;
    std::int32_t state = 0;
    for (const char c : pattern) {
      const std::size_t slot = static_cast<std::size_t>(state) * class_count_ +
                               byte_class_[static_cast<unsigned char>(c)];
      if (transitions_[slot] == kNone) {
        const auto fresh = static_cast<std::int32_t>(out_length_.size());
        transitions_[slot] = fresh;
        transitions_.resize(transitions_.size() + class_count_, kNone);
        out_length_.push_back(0);
      }
      state = transitions_[slot];
    }
    out_length_[static_cast<std::size_t>(state)] = std::max<std::uint32_t>(
        out_length_[static_cast<std::size_t>(state)], static_cast<std::uint32_t>(pattern.size()));
  }

  // Breadth-first: fill each missing edge with the edge of the failure state, and inherit the
  // failure state's output (the longest pattern that is a proper suffix), giving a full DFA.
  std::vector<std::int32_t> failure(out_length_.size(), 0);
  std::queue<std::int32_t> pending;
  for (std::size_t c = 0; c < class_count_; ++c) {
    std::int32_t& next = transitions_[c];
    if (next == kNone) {
      next = 0;
    } else {
      failure[static_cast<std::size_t>(next)] = 0;
      pending.push(next);
    }
  }
  while (!pending.empty()) {
    const std::int32_t state = pending.front();
    pending.pop();
    const std::size_t row = static_cast<std::size_t>(state) * class_count_;
    const std::size_t fail_row =
        static_cast<std::size_t>(failure[static_cast<std::size_t>(state)]) * class_count_;
    for (std::size_t c = 0; c < class_count_; ++c) {
      std::int32_t& next = transitions_[row + c];
      if (next == kNone) {
        next = transitions_[fail_row + c];
      } else {
        const auto child = static_cast<std::size_t>(next);
        failure[child] = transitions_[fail_row + c];
        out_length_[child] =
            std::max(out_length_[child], out_length_[static_cast<std::size_t>(failure[child])]);
        pending.push(next);
      }
    }
  }
}

std::vector<ByteRange> PatternMatcher::Find(std::string_view text) const {
  std::vector<ByteRange> ranges;
  if (empty()) return ranges;
  std::int32_t state = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    state = Next(state, static_cast<unsigned char>(text[i]));
    const std::uint32_t length = out_length_[static_cast<std::size_t>(state)];
    if (length == 0) continue;
    // Only the longest pattern ending here matters: shorter ones lie inside it.
    ByteRange range{i + 1 - length, i + 1};
    // Ends only grow, so a new range can only overlap ranges at the back; it may swallow
    // several of them when it is long.
    while (!ranges.empty() && ranges.back().end > range.begin) {
      range.begin = std::min(range.begin, ranges.back().begin);
      ranges.pop_back();
    }
    ranges.push_back(range);
  }
  return ranges;
}

}  // namespace batuta::logs
