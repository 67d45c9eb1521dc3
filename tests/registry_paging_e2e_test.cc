// End-to-end tests of List paging and filters against the real rotad: every
// row exactly once across pages for several page sizes, defaults and limits,
// stability under concurrent inserts, filter subsets, and the errors for bad
// filters, page sizes and page tokens.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "tests/registry_test_data.h"
#include "tests/rotad_test_base.h"
#include "tests/status_matchers.h"

namespace rota::testing {
namespace {

using grpc::StatusCode;
using rota::v1::RegistryService;

constexpr int kSchools = 12;
constexpr int kTeachers = 237;
constexpr int kPostsPerSchool = 3;

std::string TeacherId(int i) { return absl::StrFormat("t%05d", i * 10); }

class PagingE2eTest : public RotadTest {
 protected:
  void SetUp() override {
    RotadTest::SetUp();
    if (HasFatalFailure()) return;
    for (int s = 0; s < kSchools; ++s) {
      rota::v1::School school;
      ASSERT_OK(CreateSchool(reg(), kCounty, absl::StrCat("s", s),
                             MakeSchool(s), &school));
      schools_.push_back(school);
      for (int p = 0; p < kPostsPerSchool; ++p) {
        rota::v1::Post post;
        ASSERT_OK(CreatePost(
            reg(), kCounty, absl::StrCat("p", s, "-", p),
            MakePost(kCounty, absl::StrCat("s", s), s * kPostsPerSchool + p),
            &post));
        posts_.push_back(post);
      }
    }
    ImportTeachers(0, kTeachers);
    ASSERT_OK_AND_ASSIGN(teachers_, ListAllTeachers(reg(), kCounty));
    ASSERT_EQ(teachers_.size(), static_cast<size_t>(kTeachers));
  }

  // Imports teachers [from, to) spread over the schools.
  void ImportTeachers(int from, int to, const std::string& county = kCounty) {
    std::vector<rota::v1::Teacher> rows;
    for (int i = from; i < to; ++i) {
      rows.push_back(MakeTeacher(county, absl::StrCat("s", i % kSchools), i));
      rows.back().set_name(TeacherName(county, TeacherId(i)));
    }
    rota::v1::BulkImportResponse response;
    ASSERT_OK(BulkImport(reg(), TeacherChunks(county, rows, 500), &response));
    ASSERT_EQ(response.rows_rejected(), 0) << response.DebugString();
    ASSERT_EQ(response.rows_applied(), to - from);
  }

  // Pages through ListTeachers with `page_size` and returns every page's names.
  std::vector<std::vector<std::string>> Pages(int32_t page_size,
                                              const std::string& filter = "") {
    std::vector<std::vector<std::string>> pages;
    rota::v1::ListTeachersRequest req;
    req.set_parent(CountyName(kCounty));
    req.set_page_size(page_size);
    req.set_filter(filter);
    for (int guard = 0; guard < 100000; ++guard) {
      rota::v1::ListTeachersResponse resp;
      grpc::Status status =
          Call(reg(), &RegistryService::Stub::ListTeachers, req, &resp);
      EXPECT_OK(status);
      if (!status.ok()) break;
      pages.emplace_back();
      for (const auto& t : resp.teachers()) pages.back().push_back(t.name());
      if (resp.next_page_token().empty()) break;
      req.set_page_token(resp.next_page_token());
    }
    return pages;
  }

  std::vector<rota::v1::School> schools_;
  std::vector<rota::v1::Post> posts_;
  std::vector<rota::v1::Teacher> teachers_;
};

TEST_F(PagingE2eTest, EveryRowExactlyOnceAcrossPagesInIdOrder) {
  std::vector<std::string> want;
  for (int i = 0; i < kTeachers; ++i)
    want.push_back(TeacherName(kCounty, TeacherId(i)));
  std::sort(want.begin(), want.end());
  for (int32_t page_size : {1, 2, 7, 50, 100, 236, 237, 238, 1000}) {
    SCOPED_TRACE(absl::StrCat("page_size=", page_size));
    std::vector<std::vector<std::string>> pages = Pages(page_size);
    std::vector<std::string> got;
    for (size_t p = 0; p < pages.size(); ++p) {
      EXPECT_LE(pages[p].size(), static_cast<size_t>(page_size))
          << "page " << p;
      if (p + 1 < pages.size()) {
        EXPECT_FALSE(pages[p].empty()) << "empty page " << p << " mid-way";
      }
      got.insert(got.end(), pages[p].begin(), pages[p].end());
    }
    EXPECT_EQ(got, want) << "rows missing, repeated or out of id order";
    EXPECT_LE(pages.size(),
              static_cast<size_t>((kTeachers + page_size - 1) / page_size + 1));
  }
}

TEST_F(PagingE2eTest, SchoolsAndPostsPageToo) {
  for (int32_t page_size : {1, 5, 1000}) {
    ASSERT_OK_AND_ASSIGN(auto schools,
                         ListAllSchools(reg(), kCounty, "", page_size));
    ASSERT_EQ(schools.size(), schools_.size()) << page_size;
    std::set<std::string> names;
    for (const auto& s : schools) names.insert(s.name());
    EXPECT_EQ(names.size(), schools_.size()) << page_size;
    ASSERT_OK_AND_ASSIGN(auto posts,
                         ListAllPosts(reg(), kCounty, "", page_size));
    ASSERT_EQ(posts.size(), posts_.size()) << page_size;
    names.clear();
    for (const auto& p : posts) names.insert(p.name());
    EXPECT_EQ(names.size(), posts_.size()) << page_size;
  }
}

TEST_F(PagingE2eTest, DefaultPageSizeIs50AndLargeSizesAreCoercedTo1000) {
  rota::v1::ListTeachersRequest req;
  req.set_parent(CountyName(kCounty));
  rota::v1::ListTeachersResponse resp;
  ASSERT_OK(Call(reg(), &RegistryService::Stub::ListTeachers, req, &resp));
  EXPECT_EQ(resp.teachers_size(), 50);
  EXPECT_FALSE(resp.next_page_token().empty());

  ImportTeachers(kTeachers, 1100);
  for (int32_t page_size : {1001, 5000, 2147483647}) {
    req.set_page_size(page_size);
    ASSERT_OK(Call(reg(), &RegistryService::Stub::ListTeachers, req, &resp));
    EXPECT_EQ(resp.teachers_size(), 1000) << page_size;
    EXPECT_FALSE(resp.next_page_token().empty()) << page_size;
    rota::v1::ListTeachersRequest next = req;
    next.set_page_token(resp.next_page_token());
    rota::v1::ListTeachersResponse rest;
    ASSERT_OK(Call(reg(), &RegistryService::Stub::ListTeachers, next, &rest));
    EXPECT_EQ(rest.teachers_size(), 100) << page_size;
    EXPECT_TRUE(rest.next_page_token().empty()) << page_size;
  }
}

TEST_F(PagingE2eTest, StableUnderConcurrentInserts) {
  // Ids of pre-existing rows are multiples of 10; a writer thread inserts ids
  // in between, at seeded random places before and after the reader's
  // position. The reader waits for at least one insert between every two
  // pages (a handshake, not a sleep), so inserts interleave with paging.
  const std::set<std::string> existing = [&] {
    std::set<std::string> names;
    for (const auto& t : teachers_) names.insert(t.name());
    return names;
  }();
  std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  int inserted = 0;
  int writer_failures = 0;
  std::thread writer([&] {
    std::mt19937 rng(20261125);  // seeded: failures are reproducible
    std::vector<int> slots;
    for (int i = 0; i < kTeachers * 10; ++i) {
      if (i % 10 != 0) slots.push_back(i);
    }
    std::shuffle(slots.begin(), slots.end(), rng);
    size_t k = 0;
    while (k < slots.size()) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (stop) break;
      }
      std::vector<rota::v1::Teacher> rows;
      for (int j = 0; j < 2 && k < slots.size(); ++j, ++k) {
        rows.push_back(MakeTeacher(kCounty, "s0", slots[k]));
        rows.back().set_name(
            TeacherName(kCounty, absl::StrFormat("t%05d", slots[k])));
      }
      rota::v1::BulkImportResponse response;
      grpc::Status status =
          BulkImport(reg(), TeacherChunks(kCounty, rows, 500), &response);
      std::lock_guard<std::mutex> lock(mu);
      if (!status.ok()) {
        ADD_FAILURE() << "seed 20261125: " << Describe(status);
        ++writer_failures;
        cv.notify_all();
        break;
      }
      inserted += static_cast<int>(response.rows_applied());
      cv.notify_all();
    }
  });

  std::vector<std::vector<std::string>> pages;
  rota::v1::ListTeachersRequest req;
  req.set_parent(CountyName(kCounty));
  req.set_page_size(5);
  for (int guard = 0; guard < 10000; ++guard) {
    int inserted_before_page;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return writer_failures > 0 || inserted > 0; });
      inserted_before_page = inserted;
    }
    rota::v1::ListTeachersResponse resp;
    grpc::Status status =
        Call(reg(), &RegistryService::Stub::ListTeachers, req, &resp);
    ASSERT_OK(status);
    pages.emplace_back();
    for (const auto& t : resp.teachers()) pages.back().push_back(t.name());
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] {
      return writer_failures > 0 || inserted > inserted_before_page;
    });
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    stop = true;
  }
  writer.join();

  std::map<std::string, int> seen;
  for (const auto& page : pages) {
    for (const auto& name : page) ++seen[name];
  }
  for (const auto& [name, count] : seen) {
    EXPECT_EQ(count, 1) << name << " seen " << count
                        << " times (seed 20261125)";
  }
  for (const auto& name : existing) {
    EXPECT_EQ(seen.count(name), 1u) << name << " was skipped (seed 20261125)";
  }
  EXPECT_GE(inserted, static_cast<int>(pages.size()) - 1);
  std::printf("paged %zu pages while %d rows were inserted; %zu rows seen\n",
              pages.size(), inserted, seen.size());
}

TEST_F(PagingE2eTest, TeacherFiltersReturnExactSubsets) {
  struct Case {
    std::string filter;
    std::function<bool(const rota::v1::Teacher&)> want;
  };
  const std::string s3 = SchoolName(kCounty, "s3");
  const auto has_subject = [](const rota::v1::Teacher& t,
                              const std::string& subject) {
    return std::find(t.subjects().begin(), t.subjects().end(), subject) !=
           t.subjects().end();
  };
  const std::vector<Case> cases = {
      {"school = \"s3\"", [&](const auto& t) { return t.school() == s3; }},
      {"school = \"" + s3 + "\"",
       [&](const auto& t) { return t.school() == s3; }},
      {"school != \"s3\"", [&](const auto& t) { return t.school() != s3; }},
      {"subject = \"music\"",
       [&](const auto& t) { return has_subject(t, "music"); }},
      {"gender = FEMALE",
       [](const auto& t) { return t.gender() == rota::v1::FEMALE; }},
      {"school = \"s3\" AND gender = MALE",
       [&](const auto& t) {
         return t.school() == s3 && t.gender() == rota::v1::MALE;
       }},
      {"title = SENIOR_TITLE",
       [](const auto& t) { return t.title() == rota::v1::SENIOR_TITLE; }},
      {"role = PRINCIPAL",
       [](const auto& t) { return t.role() == rota::v1::PRINCIPAL; }},
      {"backbone_level != NOT_BACKBONE",
       [](const auto& t) {
         return t.backbone_level() != rota::v1::NOT_BACKBONE;
       }},
      {"employment = NON_ESTABLISHED",
       [](const auto& t) {
         return t.employment() == rota::v1::NON_ESTABLISHED;
       }},
      {"subject = \"math\" AND school = \"s1\" AND gender = FEMALE",
       [&](const auto& t) {
         return has_subject(t, "math") &&
                t.school() == SchoolName(kCounty, "s1") &&
                t.gender() == rota::v1::FEMALE;
       }},
      {"school = \"no-such-school\"", [](const auto&) { return false; }},
  };
  for (const Case& c : cases) {
    std::vector<std::string> want;
    for (const auto& t : teachers_) {
      if (c.want(t)) want.push_back(t.name());
    }
    for (int32_t page_size : {3, 1000}) {
      auto got = ListAllTeachers(reg(), kCounty, c.filter, page_size);
      ASSERT_OK(got) << c.filter;
      std::vector<std::string> names;
      for (const auto& t : *got) names.push_back(t.name());
      EXPECT_EQ(names, want)
          << "filter: " << c.filter << " page_size " << page_size;
    }
  }
}

TEST_F(PagingE2eTest, SchoolAndPostFiltersReturnExactSubsets) {
  const auto check_schools = [&](const std::string& filter, auto pred) {
    std::vector<std::string> want;
    for (const auto& s : schools_) {
      if (pred(s)) want.push_back(s.name());
    }
    std::sort(want.begin(), want.end());
    auto got = ListAllSchools(reg(), kCounty, filter, 2);
    ASSERT_OK(got) << filter;
    std::vector<std::string> names;
    for (const auto& s : *got) names.push_back(s.name());
    EXPECT_EQ(names, want) << "filter: " << filter;
  };
  check_schools("locality = RURAL",
                [](const auto& s) { return s.locality() == rota::v1::RURAL; });
  check_schools("weak = true", [](const auto& s) { return s.weak(); });
  check_schools("weak = false AND zone = \"zone-2\"", [](const auto& s) {
    return !s.weak() && s.zone() == "zone-2";
  });
  check_schools("stage = JUNIOR", [](const auto& s) {
    return std::find(s.stages().begin(), s.stages().end(), rota::v1::JUNIOR) !=
           s.stages().end();
  });

  const auto check_posts = [&](const std::string& filter, auto pred) {
    std::vector<std::string> want;
    for (const auto& p : posts_) {
      if (pred(p)) want.push_back(p.name());
    }
    std::sort(want.begin(), want.end());
    auto got = ListAllPosts(reg(), kCounty, filter, 4);
    ASSERT_OK(got) << filter;
    std::vector<std::string> names;
    for (const auto& p : *got) names.push_back(p.name());
    EXPECT_EQ(names, want) << "filter: " << filter;
  };
  check_posts("school = \"s4\"", [&](const auto& p) {
    return p.school() == SchoolName(kCounty, "s4");
  });
  check_posts("subject = \"math\"",
              [](const auto& p) { return p.subject() == "math"; });
  check_posts("title_band = SENIOR_TITLE AND school != \"s0\"",
              [&](const auto& p) {
                return p.title_band() == rota::v1::SENIOR_TITLE &&
                       p.school() != SchoolName(kCounty, "s0");
              });
}

TEST_F(PagingE2eTest, UnparsableFilterIsInvalidArgument) {
  for (const std::string filter :
       {"school =", "school = \"s1", "nosuchfield = \"x\"",
        "school = \"s1\" OR gender = MALE", "gender = PURPLE", "= \"s1\"",
        "school == \"s1\"", "AND", "school = \"s1\" AND", "gender < MALE",
        "(school = \"s1\")"}) {
    rota::v1::ListTeachersRequest req;
    req.set_parent(CountyName(kCounty));
    req.set_filter(filter);
    rota::v1::ListTeachersResponse resp;
    EXPECT_TRUE(
        HasError(Call(reg(), &RegistryService::Stub::ListTeachers, req, &resp),
                 StatusCode::INVALID_ARGUMENT, "filter", "INVALID_FILTER"))
        << "filter: " << filter;
  }
  rota::v1::ListSchoolsRequest req;
  req.set_parent(CountyName(kCounty));
  req.set_filter("subject = \"music\"");  // not a school field
  rota::v1::ListSchoolsResponse resp;
  EXPECT_TRUE(
      HasError(Call(reg(), &RegistryService::Stub::ListSchools, req, &resp),
               StatusCode::INVALID_ARGUMENT, "filter", "INVALID_FILTER"));
}

TEST_F(PagingE2eTest, PageTokenIsBoundToFilterAndParent) {
  rota::v1::ListTeachersRequest req;
  req.set_parent(CountyName(kCounty));
  req.set_filter("gender = FEMALE");
  req.set_page_size(10);
  rota::v1::ListTeachersResponse resp;
  ASSERT_OK(Call(reg(), &RegistryService::Stub::ListTeachers, req, &resp));
  ASSERT_FALSE(resp.next_page_token().empty());
  const std::string token = resp.next_page_token();

  rota::v1::ListTeachersRequest reused = req;
  reused.set_page_token(token);
  reused.set_filter("gender = MALE");
  EXPECT_TRUE(HasError(
      Call(reg(), &RegistryService::Stub::ListTeachers, reused, &resp),
      StatusCode::INVALID_ARGUMENT, "page_token", "INVALID_PAGE_TOKEN"));
  reused.set_filter("");
  EXPECT_TRUE(HasError(
      Call(reg(), &RegistryService::Stub::ListTeachers, reused, &resp),
      StatusCode::INVALID_ARGUMENT, "page_token", "INVALID_PAGE_TOKEN"));

  // Another county's parent.
  ASSERT_OK(CreateCounty(reg(), "xining"));
  reused = req;
  reused.set_page_token(token);
  reused.set_parent(CountyName("xining"));
  EXPECT_TRUE(HasError(
      Call(reg(), &RegistryService::Stub::ListTeachers, reused, &resp),
      StatusCode::INVALID_ARGUMENT, "page_token", "INVALID_PAGE_TOKEN"));

  // Another collection (a teacher token used to list schools).
  rota::v1::ListSchoolsRequest schools;
  schools.set_parent(CountyName(kCounty));
  schools.set_page_token(token);
  rota::v1::ListSchoolsResponse school_resp;
  EXPECT_TRUE(HasError(
      Call(reg(), &RegistryService::Stub::ListSchools, schools, &school_resp),
      StatusCode::INVALID_ARGUMENT, "page_token", "INVALID_PAGE_TOKEN"));

  // The same filter with the token still works (and a different page size is
  // fine).
  reused = req;
  reused.set_page_token(token);
  reused.set_page_size(3);
  ASSERT_OK(Call(reg(), &RegistryService::Stub::ListTeachers, reused, &resp));
  EXPECT_EQ(resp.teachers_size(), 3);
}

TEST_F(PagingE2eTest, BadPagingInputIsInvalidArgument) {
  rota::v1::ListTeachersRequest req;
  req.set_parent(CountyName(kCounty));
  req.set_page_size(-1);
  rota::v1::ListTeachersResponse resp;
  EXPECT_TRUE(
      HasError(Call(reg(), &RegistryService::Stub::ListTeachers, req, &resp),
               StatusCode::INVALID_ARGUMENT, "page_size", "INVALID_FIELD"));
  req.set_page_size(10);
  for (const std::string& token : std::vector<std::string>{
           "garbage", "!!!not base64!!!", "AAAA", std::string(5000, 'A'),
           std::string("\x01\x02\x03", 3)}) {
    req.set_page_token(token);
    EXPECT_TRUE(HasError(
        Call(reg(), &RegistryService::Stub::ListTeachers, req, &resp),
        StatusCode::INVALID_ARGUMENT, "page_token", "INVALID_PAGE_TOKEN"))
        << "token of " << token.size() << " bytes";
  }
  // A real token with one character changed.
  req.clear_page_token();
  ASSERT_OK(Call(reg(), &RegistryService::Stub::ListTeachers, req, &resp));
  std::string token = resp.next_page_token();
  ASSERT_FALSE(token.empty());
  token[token.size() / 2] = token[token.size() / 2] == 'A' ? 'B' : 'A';
  req.set_page_token(token);
  grpc::Status status =
      Call(reg(), &RegistryService::Stub::ListTeachers, req, &resp);
  // Either rejected, or (if the altered bit only moved the key) a valid page.
  if (!status.ok()) {
    EXPECT_TRUE(HasError(status, StatusCode::INVALID_ARGUMENT, "page_token"));
  }
}

}  // namespace
}  // namespace rota::testing
