// A small seeded generator of synthetic counties for the rules' property
// tests (engine tests may not use tools/). Deterministic for a given seed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "engine/model.h"
#include "engine/rules/county.h"

namespace rota::engine::rules::internal {

struct SyntheticOptions {
  int schools = 12;
  int teachers_per_school = 12;  // average
  int voluntary_percent = 15;    // teachers who apply voluntarily
  int list_percent = 40;         // others who submit a list for if selected
  int exempt_percent = 5;
  int backbone_percent = 20;
  int slack_percent = 10;  // headcount above staff, on average
  // Teachers serving on a term exchange (home_school elsewhere, the term
  // ending a year before, on, or a year after the effective date). 0 keeps
  // the counties of every seed as they were.
  int term_exchange_percent = 0;
  // Each 0 by default: no extra random draws, the output stays as it was.
  int non_established_percent = 0;  // 编外 teachers
  // Schools of another stage: kindergarten, senior, vocational or a
  // nine-year school (primary + junior), one in four each.
  int other_stage_percent = 0;
  // Teachers with a rural service obligation since their career start of
  // 1..10 years (kinds in turn).
  int obligation_percent = 0;
  // Competitive hiring (all off by default, which keeps the output above
  // unchanged). 编外 (NON_ESTABLISHED) teachers, this share of them:
  // Each school x subject gets three posts, senior / intermediate / junior,
  // splitting its seats at random, instead of one intermediate post.
  bool title_bands = false;
  // Posts marked non_established (contract seats), this share of them.
  int non_established_post_percent = 0;
  // Each teacher holds a post of her school in her primary subject (her
  // band's if there is one), if her school has one.
  bool hold_posts = false;
  // Every school's first teacher is its principal; its second is a
  // vice-principal with this probability.
  int vice_principal_percent = 50;
  // Leaders' role start dates: false = the day they joined their school
  // (so years in office = years at the school); true = drawn from a second
  // random stream (the county is otherwise the same): about 40% took up the
  // role after joining, 30% before (appointed from another school), 30% on
  // joining.
  bool varied_role_start = false;
};

class SyntheticRng {
 public:
  explicit SyntheticRng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    return state_ = SplitMix64(state_ + 0x9e3779b97f4a7c15ULL);
  }
  int Uniform(int n) {
    return static_cast<int>(Next() % static_cast<uint64_t>(n));
  }
  bool Percent(int p) { return Uniform(100) < p; }

 private:
  uint64_t state_;
};

inline CountyInputs SyntheticCounty(uint64_t seed,
                                    const SyntheticOptions& o = {}) {
  SyntheticRng rng(seed);
  SyntheticRng role_rng(seed ^ 0x5eed0f1eade7ULL);
  CountyInputs in;
  in.county = "synthetic";
  in.effective_day = DaysFromCivil(2026, 9, 1);
  in.seed = seed * 31 + 7;
  static const char* kSubjects[] = {"chinese", "math", "english", "music",
                                    "pe"};
  std::vector<int> staff(o.schools);
  for (int s = 0; s < o.schools; ++s) {
    School sc;
    sc.id = absl::StrFormat("s%03d", s);
    sc.display_name = sc.id;
    sc.stages = {rng.Percent(70) ? Stage::kPrimary : Stage::kJunior};
    sc.locality = static_cast<Locality>(1 + rng.Uniform(4));
    sc.weak = rng.Percent(30);
    sc.has_location = true;
    sc.latitude = 30 + rng.Uniform(1000) / 1000.0;
    sc.longitude = 110 + rng.Uniform(1000) / 1000.0;
    staff[s] = std::max(
        1, o.teachers_per_school / 2 + rng.Uniform(o.teachers_per_school + 1));
    int slack = rng.Uniform(2 * o.slack_percent * staff[s] / 100 + 2);
    sc.headcount = staff[s] + slack - (rng.Percent(10) ? 2 : 0);
    sc.headcount = std::max(0, sc.headcount);
    if (o.other_stage_percent > 0 && rng.Percent(o.other_stage_percent)) {
      static const Stage kOther[] = {Stage::kKindergarten, Stage::kSenior,
                                     Stage::kVocational};
      const int k = rng.Uniform(4);
      sc.stages = k < 3 ? std::vector<Stage>{kOther[k]}
                        : std::vector<Stage>{Stage::kPrimary, Stage::kJunior};
    }
    in.schools.push_back(sc);
    for (int j = 0; j < 5; ++j) {
      if (j >= 3 && rng.Percent(40)) continue;
      Post p;
      p.id = absl::StrFormat("%s-%s", sc.id, kSubjects[j]);
      p.school = sc.id;
      p.subject = kSubjects[j];
      p.title_band = Title::kIntermediate;
      p.count = 1 + staff[s] / 4;
      if (!o.title_bands) {
        in.posts.push_back(p);
        continue;
      }
      const int total = p.count;
      const int senior = rng.Uniform(total / 2 + 1);
      const int intermediate = rng.Uniform(total - senior + 1);
      const Title bands[] = {Title::kSenior, Title::kIntermediate,
                             Title::kJunior};
      const int counts[] = {senior, intermediate,
                            total - senior - intermediate};
      const char* suffix[] = {"sen", "int", "jun"};
      for (int b = 0; b < 3; ++b) {
        Post q = p;
        q.id = absl::StrFormat("%s-%s-%s", sc.id, kSubjects[j], suffix[b]);
        q.title_band = bands[b];
        q.count = counts[b];
        q.non_established = o.non_established_post_percent > 0 &&
                            rng.Percent(o.non_established_post_percent);
        in.posts.push_back(q);
      }
    }
  }
  int n = 0;
  for (int s = 0; s < o.schools; ++s) {
    for (int k = 0; k < staff[s]; ++k, ++n) {
      Teacher t;
      t.id = absl::StrFormat("T%05d", n);
      t.display_name = t.id;
      t.gender = rng.Percent(60) ? Gender::kFemale : Gender::kMale;
      int age = 23 + rng.Uniform(38);
      // Drawn one statement at a time: the order in which a call's arguments
      // are evaluated is the compiler's choice (gcc and clang differ), and
      // the county must not depend on it. The day is drawn first, as gcc
      // did when both draws were arguments of one call.
      const int birth_day_of_month = 1 + rng.Uniform(28);
      const int birth_month = 1 + rng.Uniform(12);
      t.birth_day = DaysFromCivil(2026 - age, birth_month, birth_day_of_month);
      int career = std::min(age - 22, rng.Uniform(age - 21));
      t.career_start_day = DaysFromCivil(2026 - career, 9, 1);
      int at_school = rng.Uniform(career + 1);
      // Some exactly on the anniversary, some a day short.
      t.school_join_day =
          DaysFromCivil(2026 - at_school, 9, 1) + (rng.Percent(10) ? 1 : 0);
      if (t.school_join_day < t.career_start_day) {
        t.school_join_day = t.career_start_day;
      }
      if (t.school_join_day > in.effective_day) {
        t.school_join_day = in.effective_day;
      }
      t.school = in.schools[s].id;
      t.subjects = {kSubjects[rng.Uniform(5)]};
      if (rng.Percent(30)) t.subjects.push_back(kSubjects[rng.Uniform(5)]);
      if (t.subjects.size() == 2 && t.subjects[0] == t.subjects[1]) {
        t.subjects.pop_back();
      }
      t.certificate_stages = {rng.Percent(70) ? Stage::kPrimary
                                              : Stage::kJunior};
      if (rng.Percent(30)) {
        t.certificate_stages.push_back(Stage::kPrimary);
        t.certificate_stages.push_back(Stage::kJunior);
      }
      t.title = static_cast<Title>(1 + rng.Uniform(4));
      t.role = k == 0 ? Role::kPrincipal
               : k == 1 && rng.Percent(o.vice_principal_percent)
                   ? Role::kVicePrincipal
                   : Role::kTeacher;
      if (t.role != Role::kTeacher) {
        t.role_start_day = t.school_join_day;
        const int kind = role_rng.Uniform(10);
        if (o.varied_role_start && kind < 4) {
          const int years =
              FullYearsBetween(t.school_join_day, in.effective_day);
          t.role_start_day =
              AddYears(t.school_join_day, role_rng.Uniform(years + 1));
        } else if (o.varied_role_start && kind < 7) {
          const int span = t.school_join_day - t.career_start_day;
          t.role_start_day = t.career_start_day + role_rng.Uniform(span + 1);
        }
      }
      t.backbone = rng.Percent(o.backbone_percent)
                       ? static_cast<BackboneLevel>(2 + rng.Uniform(3))
                       : BackboneLevel::kNone;
      t.employment = Employment::kEstablished;
      if (o.non_established_percent > 0 &&
          rng.Percent(o.non_established_percent)) {
        t.employment = Employment::kNonEstablished;
      }
      if (o.hold_posts) {
        // Her band's post of her primary subject, else any of that subject.
        const Title band = t.title == Title::kSenior ? Title::kSenior
                           : t.title == Title::kIntermediate
                               ? Title::kIntermediate
                               : Title::kJunior;
        for (const Post& p : in.posts) {
          if (p.school != t.school || p.subject != t.subjects.front()) continue;
          if (t.post.empty() || p.title_band == band) t.post = p.id;
        }
      }
      for (int y = 2021; y <= 2025; ++y) {
        if (rng.Percent(80)) {
          t.evaluations.push_back(
              {y, static_cast<EvaluationGrade>(1 + rng.Uniform(4))});
        }
      }
      if (rng.Percent(50) && t.school_join_day > t.career_start_day) {
        ServiceSpell old;
        old.school = "old-school";
        old.start_day = t.career_start_day;
        old.end_day = t.school_join_day;
        old.locality = static_cast<Locality>(1 + rng.Uniform(4));
        old.weak = rng.Percent(30);
        t.service_history.push_back(old);
        ServiceSpell now;
        now.school = t.school;
        now.start_day = t.school_join_day;
        now.locality = in.schools[s].locality;
        now.weak = in.schools[s].weak;
        t.service_history.push_back(now);
      }
      if (rng.Percent(o.exempt_percent)) {
        Exemption e;
        e.kind = static_cast<ExemptionKind>(1 + rng.Uniform(4));
        e.start_day = in.effective_day - 100;
        if (rng.Percent(50))
          e.end_day = in.effective_day + rng.Uniform(3) * 200 - 99;
        t.exemptions.push_back(e);
      }
      if (rng.Percent(10)) {
        t.hardships.push_back(
            {static_cast<HardshipKind>(1 + rng.Uniform(4)), ""});
      }
      if (o.term_exchange_percent > 0 && rng.Percent(o.term_exchange_percent)) {
        const int home = rng.Uniform(o.schools);
        if (home != s) {
          t.home_school = in.schools[home].id;
          t.term_end_day = AddYears(in.effective_day, rng.Uniform(3) - 1);
        }
      }
      if (o.obligation_percent > 0 && rng.Percent(o.obligation_percent)) {
        ServiceObligation ob;
        ob.kind = static_cast<ObligationKind>(1 + n % 3);
        ob.required_rural_years = 1 + rng.Uniform(10);
        ob.start_day = t.career_start_day;
        t.obligations.push_back(ob);
      }
      in.teachers.push_back(t);
      bool vol = rng.Percent(o.voluntary_percent);
      if (vol || rng.Percent(o.list_percent)) {
        Application a;
        a.teacher = t.id;
        a.voluntary = vol;
        int len = 1 + rng.Uniform(5);
        for (int i = 0; i < len; ++i) {
          std::string id = in.schools[rng.Uniform(o.schools)].id;
          bool dup = false;
          for (const auto& x : a.preferences) dup = dup || x == id;
          if (!dup) a.preferences.push_back(id);
        }
        in.applications.push_back(a);
      }
    }
  }
  return in;
}

// Itinerant teaching data on top of a SyntheticCounty (a separate random
// stream, so the county's other fields stay as they were): schools grouped
// into zones (学区) of about `zone_size` nearby schools, teachers' weekly
// loads, free half-days and volunteering, a rural shortage (few music, PE
// and art teachers: one may serve several village schools), period
// requirements of music, pe, art (and labour now and then, which nobody
// teaches) per school and stage, and imported road distances for some pairs
// of a zone.
struct ItinerantOptions {
  int zone_size = 5;
  int shortage_teacher_percent = 6;  // teachers whose subject is music/pe/art
  int second_shortage_percent = 5;   // others who can also teach one
  int volunteer_percent = 40;
  int road_percent = 50;    // pairs of a zone with an imported road row
  int no_zone_percent = 5;  // schools without a zone
  int labour_percent = 10;  // schools that must teach labour
  int max_periods = 6;      // a requirement's periods: 1..max_periods
};

inline void AddItinerantData(uint64_t seed, const ItinerantOptions& o,
                             CountyInputs* in) {
  SyntheticRng rng(seed ^ 0x17e7a27ULL);
  static const char* kShortage[] = {"music", "pe", "art"};
  static const char* kOther[] = {"chinese", "math", "english"};
  const int n = static_cast<int>(in->schools.size());
  for (int i = 0; i < n; ++i) {
    School& s = in->schools[i];
    const int z = i / std::max(1, o.zone_size);
    s.zone = rng.Percent(o.no_zone_percent) ? "" : absl::StrFormat("z%02d", z);
    s.has_location = true;
    s.latitude = 30 + 0.2 * (z % 5) + (rng.Uniform(1201) - 600) / 10000.0;
    s.longitude = 110 + 0.2 * (z / 5) + (rng.Uniform(1201) - 600) / 10000.0;
  }
  for (Teacher& t : in->teachers) {
    const bool shortage = rng.Percent(o.shortage_teacher_percent);
    if (shortage) {
      t.subjects = {kShortage[rng.Uniform(3)]};
      t.weekly_load = 6 + rng.Uniform(11);
    } else {
      t.subjects = {kOther[rng.Uniform(3)]};
      if (rng.Percent(o.second_shortage_percent)) {
        t.subjects.push_back(kShortage[rng.Uniform(3)]);
      }
      t.weekly_load = 12 + rng.Uniform(7);
    }
    t.free_half_days = static_cast<uint16_t>(rng.Next() & kAllHalfDays);
    t.itinerant_volunteer = rng.Percent(o.volunteer_percent);
  }
  for (const School& s : in->schools) {
    for (Stage st : s.stages) {
      for (const char* subject : kShortage) {
        PeriodRequirement r;
        r.school = s.id;
        r.subject = subject;
        r.stage = st;
        r.periods = 1 + rng.Uniform(o.max_periods);
        in->period_requirements.push_back(r);
      }
      if (rng.Percent(o.labour_percent)) {
        in->period_requirements.push_back(
            {s.id, "labour", st, 1 + rng.Uniform(2)});
      }
    }
  }
  for (int i = 0; i < n; ++i) {
    for (int j = i + 1; j < n; ++j) {
      const School& a = in->schools[i];
      const School& b = in->schools[j];
      if (a.zone.empty() || a.zone != b.zone || !rng.Percent(o.road_percent)) {
        continue;
      }
      RoadDistance r;
      r.school_a = a.id;
      r.school_b = b.id;
      r.metres = SchoolDistanceMetres(a, b) * (120 + rng.Uniform(61)) / 100;
      r.minutes = static_cast<int32_t>(r.metres * 60 /
                                       ((25 + rng.Uniform(16)) * 1000)) +
                  1;
      in->road_distances.push_back(r);
    }
  }
}

}  // namespace rota::engine::rules::internal
