// Proleptic Gregorian calendar dates as day numbers, for rota-gen's date
// arithmetic (Howard Hinnant's days_from_civil / civil_from_days).
//
//   int64_t d = DaysFromCivil(2026, 9, 1);
//   std::string s = FormatDate(d - 365);   // "2025-09-01"
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rota::tools {

struct CivilDate {
  int year;
  int month;  // 1..12
  int day;    // 1..31
};

// Days since 1970-01-01.
constexpr int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

constexpr CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return CivilDate{static_cast<int>(y + (m <= 2)), m, d};
}

// Appends "YYYY-MM-DD" (years 0..9999).
inline void AppendDate(std::string* out, int64_t days) {
  const CivilDate c = CivilFromDays(days);
  char buf[10] = {static_cast<char>('0' + c.year / 1000 % 10),
                  static_cast<char>('0' + c.year / 100 % 10),
                  static_cast<char>('0' + c.year / 10 % 10),
                  static_cast<char>('0' + c.year % 10),
                  '-',
                  static_cast<char>('0' + c.month / 10),
                  static_cast<char>('0' + c.month % 10),
                  '-',
                  static_cast<char>('0' + c.day / 10),
                  static_cast<char>('0' + c.day % 10)};
  out->append(buf, sizeof(buf));
}

inline std::string FormatDate(int64_t days) {
  std::string s;
  AppendDate(&s, days);
  return s;
}

// Parses "YYYY-MM-DD" into *days; false if malformed or not a real date.
inline bool ParseDate(std::string_view s, int64_t* days) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int v[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8};
  const int lens[3] = {4, 2, 2};
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < lens[i]; ++j) {
      const char c = s[starts[i] + j];
      if (c < '0' || c > '9') return false;
      v[i] = v[i] * 10 + (c - '0');
    }
  }
  if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31) return false;
  const int64_t d = DaysFromCivil(v[0], v[1], v[2]);
  const CivilDate back = CivilFromDays(d);
  if (back.year != v[0] || back.month != v[1] || back.day != v[2]) return false;
  *days = d;
  return true;
}

}  // namespace rota::tools
