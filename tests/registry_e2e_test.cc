// End-to-end tests of rotad's registry: CRUD with every field, FieldMask
// updates, etags, request-id replay, county isolation, health, SIGTERM and
// restart. Each test starts its own rotad on a fresh directory (RotadTest).
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/registry_test_data.h"
#include "tests/rotad_test_base.h"
#include "tests/status_matchers.h"

namespace rota::testing {
namespace {

using google::protobuf::util::MessageDifferencer;
using grpc::StatusCode;
using rota::v1::RegistryService;

template <typename T>
T WithoutOutputOnly(T message) {
  message.clear_name();
  message.clear_etag();
  message.clear_create_time();
  message.clear_update_time();
  return message;
}

template <typename T>
::testing::AssertionResult SameContent(const T& want, const T& got) {
  std::string diff;
  MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&diff);
  if (differencer.Compare(WithoutOutputOnly(want), WithoutOutputOnly(got))) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << diff;
}

::testing::AssertionResult SameMessage(const google::protobuf::Message& want,
                                       const google::protobuf::Message& got) {
  std::string diff;
  MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&diff);
  if (differencer.Compare(want, got)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << diff;
}

class RegistryE2eTest : public RotadTest {};

TEST_F(RegistryE2eTest, CountyCrud) {
  rota::v1::County county;
  ASSERT_OK(CreateCounty(reg(), "dongying", &county, "东营市"));
  EXPECT_EQ(county.name(), "counties/dongying");
  EXPECT_EQ(county.display_name(), "东营市");
  EXPECT_EQ(county.region(), "福建省三明市");
  EXPECT_FALSE(county.etag().empty());
  EXPECT_FALSE(county.create_time().empty());
  EXPECT_FALSE(county.update_time().empty());

  rota::v1::GetCountyRequest get;
  get.set_name("counties/dongying");
  rota::v1::County got;
  ASSERT_OK(Call(reg(), &RegistryService::Stub::GetCounty, get, &got));
  EXPECT_TRUE(SameMessage(county, got));

  // Duplicate county id.
  EXPECT_TRUE(
      HasError(CreateCounty(reg(), "dongying"), StatusCode::ALREADY_EXISTS));

  rota::v1::ListCountiesRequest list;
  rota::v1::ListCountiesResponse listed;
  ASSERT_OK(Call(reg(), &RegistryService::Stub::ListCounties, list, &listed));
  std::vector<std::string> names;
  for (const auto& c : listed.counties()) names.push_back(c.name());
  EXPECT_EQ(names,
            (std::vector<std::string>{"counties/dongying", "counties/yongan"}));

  rota::v1::UpdateCountyRequest update;
  update.mutable_county()->set_name("counties/dongying");
  update.mutable_county()->set_display_name("东营区");
  update.mutable_county()->set_region("ignored: not in mask");
  update.mutable_update_mask()->add_paths("display_name");
  rota::v1::County updated;
  ASSERT_OK(
      Call(reg(), &RegistryService::Stub::UpdateCounty, update, &updated));
  EXPECT_EQ(updated.display_name(), "东营区");
  EXPECT_EQ(updated.region(), "福建省三明市");
  EXPECT_NE(updated.etag(), county.etag());
  EXPECT_EQ(updated.create_time(), county.create_time());

  rota::v1::DeleteCountyRequest del;
  del.set_name("counties/dongying");
  del.set_etag(county.etag());  // stale
  rota::v1::DeleteResponse deleted;
  EXPECT_TRUE(
      HasError(Call(reg(), &RegistryService::Stub::DeleteCounty, del, &deleted),
               StatusCode::ABORTED, "", "ETAG_MISMATCH"));
  del.set_etag(updated.etag());
  ASSERT_OK(Call(reg(), &RegistryService::Stub::DeleteCounty, del, &deleted));
  EXPECT_EQ(deleted.name(), "counties/dongying");
  EXPECT_TRUE(
      HasError(Call(reg(), &RegistryService::Stub::GetCounty, get, &got),
               StatusCode::NOT_FOUND));
}

TEST_F(RegistryE2eTest, SchoolEveryFieldRoundTripsAndUpdatesByMask) {
  const rota::v1::School input = MakeSchool(7);
  rota::v1::School created;
  ASSERT_OK(CreateSchool(reg(), kCounty, "s7", input, &created));
  EXPECT_EQ(created.name(), SchoolName(kCounty, "s7"));
  EXPECT_FALSE(created.etag().empty());
  EXPECT_FALSE(created.create_time().empty());
  EXPECT_TRUE(SameContent(input, created));

  rota::v1::GetSchoolRequest get;
  get.set_name(created.name());
  rota::v1::School got;
  ASSERT_OK(Call(reg(), &RegistryService::Stub::GetSchool, get, &got));
  EXPECT_TRUE(SameMessage(created, got));

  ASSERT_OK_AND_ASSIGN(std::vector<rota::v1::School> listed,
                       ListAllSchools(reg(), kCounty));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_TRUE(SameMessage(created, listed[0]));

  // Only the masked fields change.
  rota::v1::UpdateSchoolRequest update;
  *update.mutable_school() = MakeSchool(8);
  update.mutable_school()->set_name(created.name());
  update.mutable_school()->set_etag(created.etag());
  update.mutable_update_mask()->add_paths("headcount");
  update.mutable_update_mask()->add_paths("zone");
  rota::v1::School updated;
  ASSERT_OK(
      Call(reg(), &RegistryService::Stub::UpdateSchool, update, &updated));
  rota::v1::School want = created;
  want.set_headcount(MakeSchool(8).headcount());
  want.set_zone(MakeSchool(8).zone());
  EXPECT_TRUE(SameContent(want, updated));
  EXPECT_NE(updated.etag(), created.etag());
  ASSERT_OK(Call(reg(), &RegistryService::Stub::GetSchool, get, &got));
  EXPECT_TRUE(SameMessage(updated, got));

  // A nested field path.
  update.mutable_update_mask()->Clear();
  update.mutable_update_mask()->add_paths("location");
  update.mutable_school()->set_etag(updated.etag());
  update.mutable_school()->mutable_location()->set_latitude(26.5);
  ASSERT_OK(
      Call(reg(), &RegistryService::Stub::UpdateSchool, update, &updated));
  EXPECT_EQ(updated.location().latitude(), 26.5);
  EXPECT_EQ(updated.display_name(), input.display_name());

  // An empty mask replaces every mutable field.
  update.mutable_update_mask()->Clear();
  *update.mutable_school() = MakeSchool(9);
  update.mutable_school()->set_name(created.name());
  ASSERT_OK(
      Call(reg(), &RegistryService::Stub::UpdateSchool, update, &updated));
  EXPECT_TRUE(SameContent(MakeSchool(9), updated));

  // Delete with the current etag.
  rota::v1::DeleteSchoolRequest del;
  del.set_name(created.name());
  del.set_etag(updated.etag());
  rota::v1::DeleteResponse deleted;
  ASSERT_OK(Call(reg(), &RegistryService::Stub::DeleteSchool, del, &deleted));
  EXPECT_EQ(deleted.name(), created.name());
  EXPECT_TRUE(
      HasError(Call(reg(), &RegistryService::Stub::GetSchool, get, &got),
               StatusCode::NOT_FOUND));
  ASSERT_OK_AND_ASSIGN(listed, ListAllSchools(reg(), kCounty));
  EXPECT_TRUE(listed.empty());
}

TEST_F(RegistryE2eTest, PostEveryFieldRoundTripsAndUpdatesByMask) {
  ASSERT_OK(CreateSchool(reg(), kCounty, "s1", MakeSchool(1)));
  const rota::v1::Post input = MakePost(kCounty, "s1", 4);
  rota::v1::Post created;
  ASSERT_OK(CreatePost(reg(), kCounty, "p-music-1", input, &created));
  EXPECT_EQ(created.name(), PostName(kCounty, "p-music-1"));
  EXPECT_TRUE(SameContent(input, created));

  rota::v1::GetPostRequest get;
  get.set_name(created.name());
  rota::v1::Post got;
  ASSERT_OK(Call(reg(), &RegistryService::Stub::GetPost, get, &got));
  EXPECT_TRUE(SameMessage(created, got));

  rota::v1::UpdatePostRequest update;
  update.mutable_post()->set_name(created.name());
  update.mutable_post()->set_etag(created.etag());
  update.mutable_post()->set_count(12);
  update.mutable_post()->set_subject("not-in-mask");
  update.mutable_update_mask()->add_paths("count");
  rota::v1::Post updated;
  ASSERT_OK(Call(reg(), &RegistryService::Stub::UpdatePost, update, &updated));
  rota::v1::Post want = created;
  want.set_count(12);
  EXPECT_TRUE(SameContent(want, updated));

  // The school cannot be deleted while a post references it.
  rota::v1::DeleteSchoolRequest del_school;
  del_school.set_name(SchoolName(kCounty, "s1"));
  rota::v1::DeleteResponse deleted;
  CountyState before = State();
  EXPECT_TRUE(HasError(
      Call(reg(), &RegistryService::Stub::DeleteSchool, del_school, &deleted),
      StatusCode::FAILED_PRECONDITION));
  ExpectUnchanged(before, State(), "DeleteSchool of a referenced school");

  rota::v1::DeletePostRequest del;
  del.set_name(created.name());
  ASSERT_OK(Call(reg(), &RegistryService::Stub::DeletePost, del, &deleted));
  EXPECT_TRUE(HasError(Call(reg(), &RegistryService::Stub::GetPost, get, &got),
                       StatusCode::NOT_FOUND));
  ASSERT_OK(
      Call(reg(), &RegistryService::Stub::DeleteSchool, del_school, &deleted));
}

TEST_F(RegistryE2eTest, TeacherEveryFieldRoundTripsAndUpdatesByMask) {
  ASSERT_OK(CreateSchool(reg(), kCounty, "s1", MakeSchool(1)));
  ASSERT_OK(CreateSchool(reg(), kCounty, "s2", MakeSchool(2)));
  ASSERT_OK(CreatePost(reg(), kCounty, "p1", MakePost(kCounty, "s1", 1)));
  rota::v1::Teacher input = MakeTeacher(kCounty, "s1", 5, /*every_field=*/true,
                                        PostName(kCounty, "p1"));
  // On a term exchange from s2 (the two fields are set together).
  input.set_home_school(SchoolName(kCounty, "s2"));
  input.set_term_end_date("2028-08-31");
  // Took up her role when she joined s1.
  input.set_role_start_date(input.school_join_date());
  // Itinerant teaching (走教): her load, free half-days, a committed year.
  input.set_weekly_load(12);
  input.add_free_half_days("tue-am");
  input.add_free_half_days("thu-pm");
  input.set_itinerant_volunteer(true);
  auto* year = input.add_itinerant_service();
  year->set_school_year(2025);
  year->set_start_date("2025-09-01");
  year->set_round(absl::StrCat("counties/", kCounty, "/rounds/r1"));
  year->set_weekly_periods(4);
  year->add_schools(SchoolName(kCounty, "s2"));
  // Every field of the message is populated (the test would be weak otherwise).
  for (int i = 0; i < rota::v1::Teacher::descriptor()->field_count(); ++i) {
    const auto* field = rota::v1::Teacher::descriptor()->field(i);
    if (field->name() == "name" || field->name() == "etag" ||
        field->name() == "create_time" || field->name() == "update_time") {
      continue;
    }
    if (field->is_repeated()) {
      EXPECT_GT(input.GetReflection()->FieldSize(input, field), 0)
          << field->name();
    } else {
      EXPECT_TRUE(input.GetReflection()->HasField(input, field))
          << field->name();
    }
  }
  rota::v1::Teacher created;
  ASSERT_OK(CreateTeacher(reg(), kCounty, "3501020001", input, &created));
  EXPECT_EQ(created.name(), TeacherName(kCounty, "3501020001"));
  EXPECT_FALSE(created.etag().empty());
  EXPECT_TRUE(SameContent(input, created));

  rota::v1::GetTeacherRequest get;
  get.set_name(created.name());
  rota::v1::Teacher got;
  ASSERT_OK(Call(reg(), &RegistryService::Stub::GetTeacher, get, &got));
  EXPECT_TRUE(SameMessage(created, got));
  ASSERT_OK_AND_ASSIGN(std::vector<rota::v1::Teacher> listed,
                       ListAllTeachers(reg(), kCounty));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_TRUE(SameMessage(created, listed[0]));

  // Masked update of scalar, enum and repeated fields.
  rota::v1::UpdateTeacherRequest update;
  *update.mutable_teacher() =
      MakeTeacher(kCounty, "s2", 6, /*every_field=*/true);
  update.mutable_teacher()->set_name(created.name());
  update.mutable_teacher()->set_etag(created.etag());
  update.mutable_teacher()->set_title(rota::v1::SENIOR_TITLE);
  update.mutable_teacher()->set_backbone_level(rota::v1::PROVINCE_BACKBONE);
  update.mutable_teacher()->clear_subjects();
  update.mutable_teacher()->add_subjects("music");
  update.mutable_teacher()->add_subjects("art");
  for (const char* path : {"title", "backbone_level", "subjects"}) {
    update.mutable_update_mask()->add_paths(path);
  }
  rota::v1::Teacher updated;
  ASSERT_OK(
      Call(reg(), &RegistryService::Stub::UpdateTeacher, update, &updated));
  rota::v1::Teacher want = created;
  want.set_title(rota::v1::SENIOR_TITLE);
  want.set_backbone_level(rota::v1::PROVINCE_BACKBONE);
  want.clear_subjects();
  want.add_subjects("music");
  want.add_subjects("art");
  EXPECT_TRUE(SameContent(want, updated));
  EXPECT_NE(updated.etag(), created.etag());
  EXPECT_EQ(updated.create_time(), created.create_time());
  ASSERT_OK(Call(reg(), &RegistryService::Stub::GetTeacher, get, &got));
  EXPECT_TRUE(SameMessage(updated, got));

  // A mask naming an unknown field is INVALID_ARGUMENT and changes nothing.
  CountyState before = State();
  update.mutable_update_mask()->Clear();
  update.mutable_update_mask()->add_paths("no_such_field");
  update.mutable_teacher()->set_etag(updated.etag());
  EXPECT_TRUE(
      HasError(Call(reg(), &RegistryService::Stub::UpdateTeacher, update, &got),
               StatusCode::INVALID_ARGUMENT, "update_mask.paths[0]"));
  ExpectUnchanged(before, State(), "UpdateTeacher with an unknown mask path");

  rota::v1::DeleteTeacherRequest del;
  del.set_name(created.name());
  del.set_etag(updated.etag());
  rota::v1::DeleteResponse deleted;
  ASSERT_OK(Call(reg(), &RegistryService::Stub::DeleteTeacher, del, &deleted));
  EXPECT_EQ(deleted.name(), created.name());
  EXPECT_TRUE(
      HasError(Call(reg(), &RegistryService::Stub::GetTeacher, get, &got),
               StatusCode::NOT_FOUND));
}

TEST_F(RegistryE2eTest, EachMutationAppendsOneEventWithItsActor) {
  const int64_t start = Events();
  EXPECT_EQ(start, 1) << "county creation is the county's first event";
  rota::v1::CreateSchoolRequest req;
  req.set_parent(CountyName(kCounty));
  req.set_school_id("s1");
  *req.mutable_school() = MakeSchool(1);
  req.set_request_id("req-actor-1");
  rota::v1::School school;
  std::unique_ptr<grpc::ClientContext> ctx =
      NewContext(absl::Seconds(30), "hr-alice");
  ASSERT_OK(reg().CreateSchool(ctx.get(), req, &school));
  EXPECT_EQ(Events(), start + 1);
  EXPECT_EQ(school.etag(), std::to_string(start + 1))
      << "etag = sequence of the last event";

  rota::v1::ListEventsRequest list;
  list.set_county(CountyName(kCounty));
  rota::v1::ListEventsResponse events;
  ASSERT_OK(
      Call(audit(), &rota::v1::AuditService::Stub::ListEvents, list, &events));
  ASSERT_EQ(events.events_size(), 2);
  const rota::v1::Event& e = events.events(1);
  EXPECT_EQ(e.sequence(), 2);
  EXPECT_EQ(e.actor(), "hr-alice");
  EXPECT_EQ(e.request_id(), "req-actor-1");
  EXPECT_EQ(e.type(), "rota.v1.School");
  EXPECT_EQ(e.previous_hash(), events.events(0).hash());
  rota::v1::School payload;
  ASSERT_TRUE(payload.ParseFromString(e.payload()));
  EXPECT_EQ(payload.name(), school.name());
  EXPECT_EQ(events.events(0).actor(), "anonymous");
}

TEST_F(RegistryE2eTest, StaleEtagIsAbortedAndChangesNothing) {
  ASSERT_OK(CreateSchool(reg(), kCounty, "s1", MakeSchool(1)));
  rota::v1::Teacher v1;
  ASSERT_OK(
      CreateTeacher(reg(), kCounty, "t1", MakeTeacher(kCounty, "s1", 1), &v1));
  rota::v1::UpdateTeacherRequest update;
  update.mutable_teacher()->set_name(v1.name());
  update.mutable_teacher()->set_etag(v1.etag());
  update.mutable_teacher()->set_title(rota::v1::SENIOR_TITLE);
  update.mutable_update_mask()->add_paths("title");
  rota::v1::Teacher v2;
  ASSERT_OK(Call(reg(), &RegistryService::Stub::UpdateTeacher, update, &v2));
  ASSERT_NE(v1.etag(), v2.etag());

  // A second writer still holding v1's etag loses.
  CountyState before = State();
  update.mutable_teacher()->set_title(rota::v1::JUNIOR_TITLE);
  rota::v1::Teacher out;
  EXPECT_TRUE(
      HasError(Call(reg(), &RegistryService::Stub::UpdateTeacher, update, &out),
               StatusCode::ABORTED, "", "ETAG_MISMATCH"));
  rota::v1::DeleteTeacherRequest del;
  del.set_name(v1.name());
  del.set_etag(v1.etag());
  rota::v1::DeleteResponse deleted;
  EXPECT_TRUE(HasError(
      Call(reg(), &RegistryService::Stub::DeleteTeacher, del, &deleted),
      StatusCode::ABORTED, "", "ETAG_MISMATCH"));
  ExpectUnchanged(before, State(), "stale etag");

  // The same for schools and posts.
  rota::v1::School school;
  rota::v1::GetSchoolRequest get_school;
  get_school.set_name(SchoolName(kCounty, "s1"));
  ASSERT_OK(
      Call(reg(), &RegistryService::Stub::GetSchool, get_school, &school));
  rota::v1::UpdateSchoolRequest update_school;
  *update_school.mutable_school() = school;
  update_school.mutable_school()->set_etag("1");
  update_school.mutable_update_mask()->add_paths("headcount");
  EXPECT_TRUE(HasError(
      Call(reg(), &RegistryService::Stub::UpdateSchool, update_school, &school),
      StatusCode::ABORTED, "", "ETAG_MISMATCH"));
  ExpectUnchanged(before, State(), "stale school etag");

  // With the current etag the update goes through.
  update.mutable_teacher()->set_etag(v2.etag());
  ASSERT_OK(Call(reg(), &RegistryService::Stub::UpdateTeacher, update, &out));
  EXPECT_EQ(out.title(), rota::v1::JUNIOR_TITLE);
}

TEST_F(RegistryE2eTest, RequestIdReplayAppliesOnce) {
  ASSERT_OK(CreateSchool(reg(), kCounty, "s1", MakeSchool(1)));
  const int64_t start = Events();
  rota::v1::CreateTeacherRequest req;
  req.set_parent(CountyName(kCounty));
  req.set_teacher_id("t1");
  *req.mutable_teacher() = MakeTeacher(kCounty, "s1", 1);
  req.set_request_id("hr-7f3a/create-t1");
  rota::v1::Teacher first;
  ASSERT_OK(Call(reg(), &RegistryService::Stub::CreateTeacher, req, &first));
  EXPECT_EQ(Events(), start + 1);

  // A retry gets the stored first response (not ALREADY_EXISTS) and applies
  // nothing.
  for (int retry = 0; retry < 3; ++retry) {
    rota::v1::Teacher again;
    ASSERT_OK(Call(reg(), &RegistryService::Stub::CreateTeacher, req, &again))
        << retry;
    EXPECT_TRUE(SameMessage(first, again)) << retry;
  }
  EXPECT_EQ(Events(), start + 1);

  // Same id, different payload.
  CountyState before = State();
  rota::v1::CreateTeacherRequest other = req;
  other.mutable_teacher()->set_display_name("另一个人");
  rota::v1::Teacher out;
  EXPECT_TRUE(HasError(
      Call(reg(), &RegistryService::Stub::CreateTeacher, other, &out),
      StatusCode::INVALID_ARGUMENT, "request_id", "REQUEST_ID_REUSED"));
  other = req;
  other.set_teacher_id("t2");
  EXPECT_TRUE(HasError(
      Call(reg(), &RegistryService::Stub::CreateTeacher, other, &out),
      StatusCode::INVALID_ARGUMENT, "request_id", "REQUEST_ID_REUSED"));
  ExpectUnchanged(before, State(), "request id reused with another payload");

  // Updates replay too: the retried update neither re-applies nor fails on
  // the etag that its own first application moved.
  rota::v1::UpdateTeacherRequest update;
  update.mutable_teacher()->set_name(first.name());
  update.mutable_teacher()->set_etag(first.etag());
  update.mutable_teacher()->set_title(rota::v1::SENIOR_TITLE);
  update.mutable_update_mask()->add_paths("title");
  update.set_request_id("hr-7f3a/update-t1");
  rota::v1::Teacher updated;
  ASSERT_OK(
      Call(reg(), &RegistryService::Stub::UpdateTeacher, update, &updated));
  const int64_t after_update = Events();
  rota::v1::Teacher replayed;
  ASSERT_OK(
      Call(reg(), &RegistryService::Stub::UpdateTeacher, update, &replayed));
  EXPECT_TRUE(SameMessage(updated, replayed));
  EXPECT_EQ(Events(), after_update);

  // Deletes replay: the second call returns the first response, not NOT_FOUND.
  rota::v1::DeleteTeacherRequest del;
  del.set_name(first.name());
  del.set_request_id("hr-7f3a/delete-t1");
  rota::v1::DeleteResponse d1, d2;
  ASSERT_OK(Call(reg(), &RegistryService::Stub::DeleteTeacher, del, &d1));
  ASSERT_OK(Call(reg(), &RegistryService::Stub::DeleteTeacher, del, &d2));
  EXPECT_TRUE(SameMessage(d1, d2));
  EXPECT_EQ(Events(), after_update + 1);

  // Concurrent retries of one request apply it once.
  rota::v1::CreateTeacherRequest racing = req;
  racing.set_teacher_id("t9");
  racing.set_request_id("hr-7f3a/create-t9");
  std::vector<std::thread> threads;
  std::vector<grpc::Status> statuses(4);
  std::vector<rota::v1::Teacher> responses(4);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      statuses[i] = Call(reg(), &RegistryService::Stub::CreateTeacher, racing,
                         &responses[i]);
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 4; ++i) {
    EXPECT_OK(statuses[i]) << i;
    EXPECT_TRUE(SameMessage(responses[0], responses[i])) << i;
  }
  EXPECT_EQ(Events(), after_update + 2);
}

TEST_F(RegistryE2eTest, CountiesAreIsolated) {
  ASSERT_OK(CreateCounty(reg(), "huize"));
  ASSERT_OK(CreateSchool(reg(), kCounty, "sa", MakeSchool(1)));
  ASSERT_OK(CreatePost(reg(), kCounty, "pa", MakePost(kCounty, "sa", 1)));
  ASSERT_OK(CreateTeacher(reg(), kCounty, "ta", MakeTeacher(kCounty, "sa", 1)));
  ASSERT_OK(CreateSchool(reg(), "huize", "sb", MakeSchool(2)));
  const CountyState a_before = State(kCounty);
  const CountyState b_before = State("huize");
  EXPECT_EQ(b_before.events, 2);

  // B cannot see A's resources by B's names...
  rota::v1::GetSchoolRequest get_school;
  get_school.set_name(SchoolName("huize", "sa"));
  rota::v1::School school;
  EXPECT_TRUE(HasError(
      Call(reg(), &RegistryService::Stub::GetSchool, get_school, &school),
      StatusCode::NOT_FOUND));
  rota::v1::GetTeacherRequest get_teacher;
  get_teacher.set_name(TeacherName("huize", "ta"));
  rota::v1::Teacher teacher;
  EXPECT_TRUE(HasError(
      Call(reg(), &RegistryService::Stub::GetTeacher, get_teacher, &teacher),
      StatusCode::NOT_FOUND));
  // ...nor in B's lists, filtered or not.
  ASSERT_OK_AND_ASSIGN(auto b_teachers, ListAllTeachers(reg(), "huize"));
  EXPECT_TRUE(b_teachers.empty());
  ASSERT_OK_AND_ASSIGN(auto b_schools, ListAllSchools(reg(), "huize"));
  ASSERT_EQ(b_schools.size(), 1u);
  EXPECT_EQ(b_schools[0].name(), SchoolName("huize", "sb"));
  ASSERT_OK_AND_ASSIGN(auto b_posts, ListAllPosts(reg(), "huize"));
  EXPECT_TRUE(b_posts.empty());
  // Filtering B's teachers by A's school finds nothing (or is rejected).
  absl::StatusOr<std::vector<rota::v1::Teacher>> filtered = ListAllTeachers(
      reg(), "huize",
      absl::StrCat("school = \"", SchoolName(kCounty, "sa"), "\""));
  if (filtered.ok()) {
    EXPECT_TRUE(filtered->empty());
  } else {
    EXPECT_EQ(filtered.status().code(), absl::StatusCode::kInvalidArgument)
        << filtered.status();
  }

  // B cannot reference A's school.
  rota::v1::Teacher out;
  EXPECT_TRUE(HasError(
      CreateTeacher(reg(), "huize", "tb", MakeTeacher(kCounty, "sa", 2), &out),
      StatusCode::INVALID_ARGUMENT, "teacher.school",
      "CROSS_COUNTY_REFERENCE"));
  rota::v1::Post post;
  EXPECT_TRUE(HasError(
      CreatePost(reg(), "huize", "pb", MakePost(kCounty, "sa", 2), &post),
      StatusCode::INVALID_ARGUMENT, "post.school", "CROSS_COUNTY_REFERENCE"));
  // Nor create A's resources through B's parent by naming them: the parent
  // decides (the name is output only) or the request is rejected.
  rota::v1::CreateSchoolRequest cross;
  cross.set_parent(CountyName("huize"));
  cross.set_school_id("sc");
  *cross.mutable_school() = MakeSchool(3);
  cross.mutable_school()->set_name(SchoolName(kCounty, "sc"));
  grpc::Status cross_status =
      Call(reg(), &RegistryService::Stub::CreateSchool, cross, &school);
  if (cross_status.ok()) {
    EXPECT_EQ(school.name(), SchoolName("huize", "sc"));
  } else {
    EXPECT_TRUE(HasError(cross_status, StatusCode::INVALID_ARGUMENT));
  }
  ExpectUnchanged(a_before, State(kCounty), "county A after B's requests");

  // Staff ids are unique per county: B may reuse A's staff id.
  ASSERT_OK(
      CreateTeacher(reg(), "huize", "ta", MakeTeacher("huize", "sb", 3), &out));
  EXPECT_EQ(out.name(), TeacherName("huize", "ta"));
  ExpectUnchanged(a_before, State(kCounty),
                  "county A after B reused its staff id");
  // And A's view of its own teacher is unchanged.
  get_teacher.set_name(TeacherName(kCounty, "ta"));
  ASSERT_OK(
      Call(reg(), &RegistryService::Stub::GetTeacher, get_teacher, &teacher));
  EXPECT_EQ(teacher.school(), SchoolName(kCounty, "sa"));

  // Resources of a county that does not exist.
  EXPECT_TRUE(HasError(CreateSchool(reg(), "nosuchcounty", "s1", MakeSchool(1)),
                       StatusCode::FAILED_PRECONDITION));
}

TEST_F(RegistryE2eTest, HealthIsServingAndUnknownServiceIsNotFound) {
  ASSERT_OK_AND_ASSIGN(auto status, rotad_->HealthStatus(""));
  EXPECT_EQ(status, grpc::health::v1::HealthCheckResponse::SERVING);
  auto unknown = rotad_->HealthStatus("no.such.Service");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound)
      << unknown.status();
}

TEST_F(RegistryE2eTest, HealthTurnsNotServingOnSigterm) {
  // A Watch stream opened while serving sees SERVING, then NOT_SERVING when
  // rotad starts to drain (or the stream ends with the server).
  std::shared_ptr<grpc::Channel> channel = rotad_->channel();  // outlives Stop
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  grpc::health::v1::HealthCheckRequest request;
  auto reader = health->Watch(&ctx, request);
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  std::thread stopper([&] { EXPECT_OK(rotad_->Stop()); });
  bool saw_not_serving = false;
  while (reader->Read(&response)) {
    if (response.status() ==
        grpc::health::v1::HealthCheckResponse::NOT_SERVING) {
      saw_not_serving = true;
      ctx.TryCancel();  // an open stream would hold up the drain
    }
  }
  (void)reader->Finish();
  stopper.join();
  EXPECT_TRUE(saw_not_serving)
      << "the Watch stream never reported NOT_SERVING during shutdown";
}

TEST_F(RegistryE2eTest, SigtermExitsZeroAndDataSurvivesRestart) {
  ASSERT_OK(CreateSchool(reg(), kCounty, "s1", MakeSchool(1)));
  ASSERT_OK(CreatePost(reg(), kCounty, "p1", MakePost(kCounty, "s1", 1)));
  for (int i = 0; i < 20; ++i) {
    ASSERT_OK(CreateTeacher(reg(), kCounty, absl::StrCat("t", i),
                            MakeTeacher(kCounty, "s1", i)));
  }
  ASSERT_OK_AND_ASSIGN(auto teachers_before, ListAllTeachers(reg(), kCounty));
  const CountyState before = State();
  ASSERT_OK(rotad_->Stop());
  ASSERT_OK(rotad_->Restart());
  ExpectUnchanged(before, State(), "after SIGTERM and restart");
  ASSERT_OK_AND_ASSIGN(auto teachers_after, ListAllTeachers(reg(), kCounty));
  ASSERT_EQ(teachers_before.size(), teachers_after.size());
  for (size_t i = 0; i < teachers_before.size(); ++i) {
    EXPECT_TRUE(SameMessage(teachers_before[i], teachers_after[i])) << i;
  }
  // Writing continues the same chain.
  ASSERT_OK(
      CreateTeacher(reg(), kCounty, "t-after", MakeTeacher(kCounty, "s1", 99)));
  EXPECT_EQ(Events(), before.events + 1);
  // Request ids survive restarts as well.
  rota::v1::CreateTeacherRequest req;
  req.set_parent(CountyName(kCounty));
  req.set_teacher_id("t-rid");
  *req.mutable_teacher() = MakeTeacher(kCounty, "s1", 100);
  req.set_request_id("survives-restart");
  rota::v1::Teacher first, again;
  ASSERT_OK(Call(reg(), &RegistryService::Stub::CreateTeacher, req, &first));
  ASSERT_OK(rotad_->Stop());
  ASSERT_OK(rotad_->Restart());
  ASSERT_OK(Call(reg(), &RegistryService::Stub::CreateTeacher, req, &again));
  EXPECT_TRUE(SameMessage(first, again));
  EXPECT_EQ(Events(), before.events + 2);
}

TEST_F(RegistryE2eTest, SecondRotadOnTheSameDirectoryFailsCleanly) {
  // RocksDB's lock keeps a second server off a live data directory: it must
  // exit with an error instead of serving, and the first one is unaffected.
  RotadOptions options;
  options.data_dir = rotad_->data_dir();
  options.keep_data_dir = true;
  options.startup_timeout = absl::Seconds(30);
  absl::StatusOr<std::unique_ptr<RotadProcess>> second =
      RotadProcess::Start(options);
  EXPECT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable)
      << second.status();
  EXPECT_EQ(Events(), 1);
  ASSERT_OK(CreateSchool(reg(), kCounty, "s1", MakeSchool(1)));
}

TEST_F(RegistryE2eTest, ConcurrentWritersToOneCountyAllSucceed) {
  // Storage linearises appends per county; conflicts between concurrent
  // writers are the server's business and must not reach the client.
  ASSERT_OK(CreateSchool(reg(), kCounty, "s1", MakeSchool(1)));
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  std::vector<std::thread> threads;
  std::vector<std::vector<std::string>> etags(kThreads);
  for (int w = 0; w < kThreads; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kPerThread; ++i) {
        rota::v1::Teacher out;
        grpc::Status status =
            CreateTeacher(reg(), kCounty, absl::StrCat("w", w, "-", i),
                          MakeTeacher(kCounty, "s1", w * kPerThread + i), &out);
        EXPECT_OK(status) << "writer " << w << " row " << i;
        etags[w].push_back(out.etag());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(Events(), 2 + kThreads * kPerThread);
  std::set<std::string> distinct;
  for (const auto& list : etags) distinct.insert(list.begin(), list.end());
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kThreads * kPerThread))
      << "two creates reported the same etag (event sequence)";
  ASSERT_OK_AND_ASSIGN(auto teachers, ListAllTeachers(reg(), kCounty));
  EXPECT_EQ(teachers.size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST_F(RegistryE2eTest, ConcurrentUpdatesWithOneEtagExactlyOneWins) {
  ASSERT_OK(CreateSchool(reg(), kCounty, "s1", MakeSchool(1)));
  rota::v1::Teacher v1;
  ASSERT_OK(
      CreateTeacher(reg(), kCounty, "t1", MakeTeacher(kCounty, "s1", 1), &v1));
  const int64_t events_before = Events();
  constexpr int kThreads = 6;
  std::vector<grpc::Status> statuses(kThreads);
  std::vector<std::thread> threads;
  for (int w = 0; w < kThreads; ++w) {
    threads.emplace_back([&, w] {
      rota::v1::UpdateTeacherRequest update;
      update.mutable_teacher()->set_name(v1.name());
      update.mutable_teacher()->set_etag(v1.etag());
      update.mutable_teacher()->set_display_name(absl::StrCat("改名", w));
      update.mutable_update_mask()->add_paths("display_name");
      rota::v1::Teacher out;
      statuses[w] =
          Call(reg(), &RegistryService::Stub::UpdateTeacher, update, &out);
    });
  }
  for (auto& t : threads) t.join();
  int ok = 0;
  for (int w = 0; w < kThreads; ++w) {
    if (statuses[w].ok()) {
      ++ok;
    } else {
      EXPECT_TRUE(
          HasError(statuses[w], StatusCode::ABORTED, "", "ETAG_MISMATCH"))
          << w;
    }
  }
  EXPECT_EQ(ok, 1) << "updates carrying the same etag: exactly one may apply";
  EXPECT_EQ(Events(), events_before + 1);
}

TEST_F(RegistryE2eTest, SchoolReferencedByATeacherCannotBeDeleted) {
  ASSERT_OK(CreateSchool(reg(), kCounty, "s1", MakeSchool(1)));
  ASSERT_OK(CreateTeacher(reg(), kCounty, "t1", MakeTeacher(kCounty, "s1", 1)));
  const CountyState before = State();
  rota::v1::DeleteSchoolRequest del;
  del.set_name(SchoolName(kCounty, "s1"));
  rota::v1::DeleteResponse deleted;
  EXPECT_TRUE(
      HasError(Call(reg(), &RegistryService::Stub::DeleteSchool, del, &deleted),
               StatusCode::FAILED_PRECONDITION));
  ExpectUnchanged(before, State(), "DeleteSchool of a school with teachers");
}

TEST_F(RegistryE2eTest, RequestIdReusedByAnotherMethodIsRejected) {
  ASSERT_OK(CreateSchool(reg(), kCounty, "s1", MakeSchool(1), nullptr,
                         "shared-id-1"));
  const CountyState before = State();
  rota::v1::Post post;
  EXPECT_TRUE(HasError(
      CreatePost(reg(), kCounty, "p1", MakePost(kCounty, "s1", 1), &post,
                 "shared-id-1"),
      StatusCode::INVALID_ARGUMENT, "request_id", "REQUEST_ID_REUSED"));
  // The same school request under the same id in another county is another
  // request (ids are per county) or rejected, but never county A's response.
  ASSERT_OK(CreateCounty(reg(), "huize"));
  rota::v1::School school;
  grpc::Status other =
      CreateSchool(reg(), "huize", "s1", MakeSchool(1), &school, "shared-id-1");
  if (other.ok()) {
    EXPECT_EQ(school.name(), SchoolName("huize", "s1"));
  } else {
    EXPECT_TRUE(HasError(other, StatusCode::INVALID_ARGUMENT, "request_id"));
  }
  ExpectUnchanged(before, State(), "request id reused by another method");
}

}  // namespace
}  // namespace rota::testing
