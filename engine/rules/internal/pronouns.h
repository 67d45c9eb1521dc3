// The pronouns of explanation sentences, from the teacher's own gender:
// he/his/him, she/her/her, or "the teacher" when the gender is not recorded;
// in Chinese 他, 她 or 该教师.
// Outcome encoding version 1 hashed the sentences, written then with "she"
// for everyone: a run re-encoded in version 1 asks for those
// (OutcomeOptions::legacy_pronouns), so its hash stays byte-identical.
//
//   const Pronouns p = PronounsOf(t.gender, legacy);
//   absl::StrCat(p.He, " keeps ", p.his, " post");  // "He keeps his post"
//
// Thread-safety: pure.
#pragma once

#include "engine/rules/county.h"

namespace rota::engine::rules::internal {

// Plain C strings (Abseil's StrCat here takes no std::string_view).
struct Pronouns {
  const char* he;   // he, she, the teacher
  const char* his;  // his, her, the teacher's
  const char* him;  // him, her, the teacher
  const char* He;   // the same with a capital, to start a sentence
  // The Chinese twin's pronoun: 他, 她 or 该教师 (possessive: zh + "的").
  // From the recorded gender even for legacy runs: no hash covers it.
  const char* zh;
};

inline const char* ZhPronoun(Gender gender) {
  return gender == Gender::kMale     ? "他"
         : gender == Gender::kFemale ? "她"
                                     : "该教师";
}

inline Pronouns PronounsOf(Gender gender, bool legacy) {
  const char* zh = ZhPronoun(gender);
  if (legacy || gender == Gender::kFemale) {
    return {"she", "her", "her", "She", zh};
  }
  if (gender == Gender::kMale) return {"he", "his", "him", "He", zh};
  return {"the teacher", "the teacher's", "the teacher", "The teacher", zh};
}

}  // namespace rota::engine::rules::internal
