#include "tools/solve/instance_json.h"

#include <cstdint>
#include <exception>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/sha256.h"
#include "nlohmann/json.hpp"

namespace rota::tools {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

absl::Status Bad(const std::string& path, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": ", absl::string_view(what.data(), what.size())));
}

absl::Status CheckKeys(const Json& obj, const std::string& path,
                       const std::set<std::string>& allowed) {
  if (!obj.is_object()) return Bad(path, "expected an object");
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (!allowed.count(it.key())) {
      return Bad(absl::StrCat(path, path.empty() ? "" : ".", it.key()),
                 "unknown field");
    }
  }
  return absl::OkStatus();
}

std::string Join(const std::string& path, const std::string& key) {
  return path.empty() ? key : absl::StrCat(path, ".", key);
}

absl::Status GetString(const Json& obj, const std::string& path,
                       const std::string& key, std::string* out) {
  auto it = obj.find(key);
  if (it == obj.end()) return absl::OkStatus();
  if (!it->is_string()) return Bad(Join(path, key), "expected a string");
  *out = it->get<std::string>();
  return absl::OkStatus();
}

absl::Status GetInt(const Json& obj, const std::string& path,
                    const std::string& key, int64_t* out) {
  auto it = obj.find(key);
  if (it == obj.end()) return absl::OkStatus();
  if (!it->is_number_integer())
    return Bad(Join(path, key), "expected an integer");
  if (it->is_number_unsigned() &&
      it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return Bad(Join(path, key), "integer out of range");
  }
  *out = it->get<int64_t>();
  return absl::OkStatus();
}

absl::Status GetBool(const Json& obj, const std::string& path,
                     const std::string& key, bool* out) {
  auto it = obj.find(key);
  if (it == obj.end()) return absl::OkStatus();
  if (!it->is_boolean()) return Bad(Join(path, key), "expected true or false");
  *out = it->get<bool>();
  return absl::OkStatus();
}

absl::Status GetStrings(const Json& obj, const std::string& path,
                        const std::string& key, std::vector<std::string>* out) {
  auto it = obj.find(key);
  if (it == obj.end()) return absl::OkStatus();
  if (!it->is_array())
    return Bad(Join(path, key), "expected an array of strings");
  for (size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string()) {
      return Bad(absl::StrCat(Join(path, key), "[", i, "]"),
                 "expected a string");
    }
    out->push_back((*it)[i].get<std::string>());
  }
  return absl::OkStatus();
}

absl::Status GetInts(const Json& obj, const std::string& path,
                     const std::string& key, std::vector<int64_t>* out) {
  auto it = obj.find(key);
  if (it == obj.end()) return absl::OkStatus();
  if (!it->is_array())
    return Bad(Join(path, key), "expected an array of integers");
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& v = (*it)[i];
    if (!v.is_number_integer() ||
        (v.is_number_unsigned() &&
         v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))) {
      return Bad(absl::StrCat(Join(path, key), "[", i, "]"),
                 "expected an integer");
    }
    out->push_back(v.get<int64_t>());
  }
  return absl::OkStatus();
}

absl::Status ParsePost(const Json& j, const std::string& path,
                       engine::Post* p) {
  absl::Status s = CheckKeys(
      j, path,
      {"id", "school", "capacity", "subject", "stage", "required_tags",
       "priority", "reserves", "reserve_precedence", "bounds"});
  if (!s.ok()) return s;
  if (!j.contains("id")) return Bad(Join(path, "id"), "missing");
  for (auto [key, field] :
       {std::pair{"id", &p->id}, std::pair{"school", &p->school},
        std::pair{"subject", &p->subject}, std::pair{"stage", &p->stage}}) {
    s = GetString(j, path, key, field);
    if (!s.ok()) return s;
  }
  if (!j.contains("capacity")) return Bad(Join(path, "capacity"), "missing");
  s = GetInt(j, path, "capacity", &p->capacity);
  if (!s.ok()) return s;
  s = GetStrings(j, path, "required_tags", &p->required_tags);
  if (!s.ok()) return s;
  s = GetStrings(j, path, "priority", &p->priority);
  if (!s.ok()) return s;
  std::string precedence = "reserve-first";
  s = GetString(j, path, "reserve_precedence", &precedence);
  if (!s.ok()) return s;
  if (precedence == "reserve-first") {
    p->reserve_precedence = engine::ReservePrecedence::kReserveFirst;
  } else if (precedence == "open-first") {
    p->reserve_precedence = engine::ReservePrecedence::kOpenFirst;
  } else {
    return Bad(Join(path, "reserve_precedence"),
               "expected \"reserve-first\" or \"open-first\"");
  }
  if (auto it = j.find("reserves"); it != j.end()) {
    if (!it->is_array())
      return Bad(Join(path, "reserves"), "expected an array");
    for (size_t i = 0; i < it->size(); ++i) {
      const std::string rp = absl::StrCat(Join(path, "reserves"), "[", i, "]");
      engine::Reserve r;
      s = CheckKeys((*it)[i], rp, {"group", "seats"});
      if (s.ok()) s = GetString((*it)[i], rp, "group", &r.group);
      if (s.ok()) s = GetInt((*it)[i], rp, "seats", &r.seats);
      if (!s.ok()) return s;
      p->reserves.push_back(r);
    }
  }
  if (auto it = j.find("bounds"); it != j.end()) {
    if (!it->is_array()) return Bad(Join(path, "bounds"), "expected an array");
    for (size_t i = 0; i < it->size(); ++i) {
      const std::string bp = absl::StrCat(Join(path, "bounds"), "[", i, "]");
      engine::GroupBound b;
      s = CheckKeys((*it)[i], bp,
                    {"group", "floor", "ceiling", "hard_ceiling"});
      if (s.ok()) s = GetString((*it)[i], bp, "group", &b.group);
      if (s.ok()) s = GetInt((*it)[i], bp, "floor", &b.floor);
      if (s.ok()) s = GetInt((*it)[i], bp, "ceiling", &b.ceiling);
      if (s.ok()) s = GetBool((*it)[i], bp, "hard_ceiling", &b.hard_ceiling);
      if (!s.ok()) return s;
      p->bounds.push_back(b);
    }
  }
  return absl::OkStatus();
}

absl::Status ParseTeacher(const Json& j, const std::string& path,
                          engine::Teacher* t) {
  absl::Status s =
      CheckKeys(j, path,
                {"id", "gender", "backbone", "subjects", "stages", "exempt",
                 "groups", "points", "tie_breakers", "current_post",
                 "preferences", "points_at_choice"});
  if (!s.ok()) return s;
  if (!j.contains("id")) return Bad(Join(path, "id"), "missing");
  s = GetString(j, path, "id", &t->id);
  if (s.ok()) s = GetString(j, path, "current_post", &t->current_post);
  if (s.ok()) s = GetStrings(j, path, "subjects", &t->subjects);
  if (s.ok()) s = GetStrings(j, path, "stages", &t->stages);
  if (s.ok()) s = GetStrings(j, path, "groups", &t->groups);
  if (s.ok()) s = GetStrings(j, path, "preferences", &t->preferences);
  if (s.ok()) s = GetBool(j, path, "exempt", &t->exempt);
  if (s.ok()) s = GetInt(j, path, "points", &t->points);
  if (s.ok()) s = GetInts(j, path, "tie_breakers", &t->tie_breakers);
  if (s.ok()) s = GetInts(j, path, "points_at_choice", &t->points_at_choice);
  if (!s.ok()) return s;
  std::string gender, backbone = "none";
  s = GetString(j, path, "gender", &gender);
  if (s.ok()) s = GetString(j, path, "backbone", &backbone);
  if (!s.ok()) return s;
  if (gender.empty()) {
    t->gender = engine::Gender::kUnspecified;
  } else if (gender == "female") {
    t->gender = engine::Gender::kFemale;
  } else if (gender == "male") {
    t->gender = engine::Gender::kMale;
  } else {
    return Bad(Join(path, "gender"), "expected \"female\", \"male\" or \"\"");
  }
  if (backbone == "none") {
    t->backbone = engine::BackboneLevel::kNone;
  } else if (backbone == "county") {
    t->backbone = engine::BackboneLevel::kCounty;
  } else if (backbone == "city") {
    t->backbone = engine::BackboneLevel::kCity;
  } else if (backbone == "province") {
    t->backbone = engine::BackboneLevel::kProvince;
  } else {
    return Bad(Join(path, "backbone"),
               "expected none, county, city or province");
  }
  return absl::OkStatus();
}

absl::StatusOr<engine::Model> ParseParsed(const Json& root) {
  absl::Status s =
      CheckKeys(root, "", {"format", "lottery_seed", "posts", "teachers"});
  if (!s.ok()) return s;
  std::string format;
  s = GetString(root, "", "format", &format);
  if (!s.ok()) return s;
  if (format != "rota.instance.v1") {
    return Bad("format", "expected \"rota.instance.v1\"");
  }
  engine::Model model;
  if (auto it = root.find("lottery_seed"); it != root.end()) {
    // A decimal string keeps all 64 bits through tools that read JSON numbers
    // as doubles; a plain integer is accepted too.
    if (it->is_string()) {
      if (!absl::SimpleAtoi(it->get<std::string>(), &model.lottery_seed)) {
        return Bad("lottery_seed",
                   "expected a decimal unsigned 64-bit integer");
      }
    } else if (it->is_number_unsigned()) {
      model.lottery_seed = it->get<uint64_t>();
    } else {
      return Bad("lottery_seed",
                 "expected a non-negative integer or a decimal string");
    }
  }
  for (const char* key : {"posts", "teachers"}) {
    auto it = root.find(key);
    if (it == root.end()) return Bad(key, "missing");
    if (!it->is_array()) return Bad(key, "expected an array");
  }
  const Json& posts = root["posts"];
  for (size_t i = 0; i < posts.size(); ++i) {
    engine::Post p;
    s = ParsePost(posts[i], absl::StrCat("posts[", i, "]"), &p);
    if (!s.ok()) return s;
    model.posts.push_back(std::move(p));
  }
  const Json& teachers = root["teachers"];
  for (size_t i = 0; i < teachers.size(); ++i) {
    engine::Teacher t;
    s = ParseTeacher(teachers[i], absl::StrCat("teachers[", i, "]"), &t);
    if (!s.ok()) return s;
    model.teachers.push_back(std::move(t));
  }
  return model;
}

}  // namespace

absl::StatusOr<engine::Model> ParseInstance(std::string_view json_text) {
  try {
    const Json root = Json::parse(json_text.begin(), json_text.end());
    return ParseParsed(root);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("instance JSON: ", e.what()));
  }
}

std::string ResultToJson(const engine::Market& m, const engine::MatchResult& r,
                         bool explain) {
  OrderedJson out;
  out["format"] = "rota.result.v1";
  out["mechanism"] = std::string(engine::MechanismName(r.mechanism));
  out["lottery_seed"] = std::to_string(m.lottery_seed);
  out["hash"] = r.canonical.empty() ? "" : ToHex(r.digest);
  OrderedJson stats;
  stats["teachers"] = m.num_teachers;
  stats["posts"] = m.num_posts;
  stats["placed"] = r.stats.placed;
  stats["kept_own_post"] = r.stats.kept;
  stats["unplaced"] = r.stats.unplaced;
  stats["exempt"] = r.stats.exempt;
  stats["by_choice"] = r.stats.by_choice;
  stats["proposals"] = r.stats.proposals;
  stats["cycles"] = r.stats.cycles;
  if (r.mechanism == engine::Mechanism::kMinCost)
    stats["total_cost"] = r.stats.total_cost;
  out["stats"] = stats;
  OrderedJson assignment = OrderedJson::array();
  const bool with_reasons = explain && !r.entry_reason.empty();
  std::unique_ptr<engine::Explainer> explainer;
  if (with_reasons) explainer = std::make_unique<engine::Explainer>(m, r);
  for (int32_t t = 0; t < m.num_teachers; ++t) {
    OrderedJson a;
    a["teacher"] = m.teacher_ids[t];
    const int32_t p = r.post_of[t];
    a["post"] = p >= 0 ? OrderedJson(m.post_ids[p]) : OrderedJson(nullptr);
    a["school"] = p >= 0 && !m.post_school[p].empty()
                      ? OrderedJson(m.post_school[p])
                      : OrderedJson(nullptr);
    a["outcome"] = std::string(engine::OutcomeName(r.outcome[t]));
    a["choice"] = r.choice_of[t] >= 0 ? OrderedJson(r.choice_of[t] + 1)
                                      : OrderedJson(nullptr);
    if (with_reasons) {
      const engine::Explanation x = explainer->Explain(t);
      OrderedJson why = OrderedJson::array();
      for (const engine::WhyNot& w : x.why_not) {
        OrderedJson line;
        line["choice"] = w.choice + 1;
        line["post"] = m.post_ids[w.post];
        line["reason"] = std::string(engine::ReasonName(w.reason));
        if (w.lowest_admitted >= 0) {
          line["higher_priority_admitted"] = w.higher_admitted;
          line["lowest_admitted"] = m.teacher_ids[w.lowest_admitted];
          line["lowest_admitted_points"] = w.lowest_points;
          line["her_points"] = w.her_points;
        }
        why.push_back(line);
      }
      a["why_not"] = why;
      a["explanation"] = x.text;
    }
    assignment.push_back(a);
  }
  out["assignment"] = assignment;
  OrderedJson floors = OrderedJson::array();
  for (const engine::UnmetFloor& u : r.unmet_floors) {
    OrderedJson f;
    f["post"] = m.post_ids[u.post];
    f["group"] = m.group_names[u.group];
    f["floor"] = u.floor;
    f["achieved"] = u.achieved;
    f["qualified_applicants"] = u.applicants;
    f["applicants_placed_higher"] = u.placed_higher;
    f["seats_kept_by_tenure"] = u.tenured_others;
    floors.push_back(f);
  }
  out["unmet_floors"] = floors;
  return out.dump(2) + "\n";
}

}  // namespace rota::tools
