// One sentence of an explanation in both languages, written at one place
// from the same facts: the English (hashed by outcome encoding version 1,
// so it never changes) and its Chinese twin for administrators (never
// hashed). Sentences are built as pairs, never translated afterwards.
//
//   Text why{absl::StrCat("stays at ", s), absl::StrCat("留任 ", s)};
//   p.reason = why.en;  p.reason_zh = why.zh;
//   AddNote(&explanation, why);
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/rules/round_outcome.h"

namespace rota::engine::rules::internal {

struct Text {
  std::string en;
  std::string zh;

  bool empty() const { return en.empty(); }
};

// Centipoints as points with two decimals: 1250 -> "12.50", -50 -> "-0.50"
// (the Chinese sentences say points, as administrators count them).
inline std::string PointsText(int64_t centipoints) {
  const bool negative = centipoints < 0;
  const uint64_t v = negative ? 0 - static_cast<uint64_t>(centipoints)
                              : static_cast<uint64_t>(centipoints);
  const uint64_t frac = v % 100;
  return absl::StrCat(negative ? "-" : "", v / 100, frac < 10 ? ".0" : ".",
                      frac);
}

// Appends both halves: `*this += rest` for each language.
inline void Append(Text* text, const Text& rest) {
  absl::StrAppend(&text->en, rest.en);
  absl::StrAppend(&text->zh, rest.zh);
}

// Appends a note and its Chinese twin, keeping notes_zh beside notes.
template <typename WithNotes>
void AddNote(WithNotes* x, Text note) {
  x->notes_zh.resize(x->notes.size());
  x->notes.push_back(std::move(note.en));
  x->notes_zh.push_back(std::move(note.zh));
}

}  // namespace rota::engine::rules::internal
