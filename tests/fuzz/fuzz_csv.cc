// libFuzzer harness: the CSV import path of rotactl and rota-gen's readers.
//
// Input: the first byte picks the table (schools, posts, teachers,
// applications, applicants, recruitment posts); the rest is the file. The
// harness reads it with CsvReader, parses the first record as the header and
// every later record with that table's row parser, exactly as `rotactl
// import` does. Beyond "no crash, no leak, no undefined behaviour" it checks:
//   - every record CsvReader returns is written back by AppendCsvRow and read
//     again to the same fields;
//   - every resource a row parser accepts is exported with its *ToCsv
//     function and imported again to the same resource (export -> import
//     loses nothing).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "google/protobuf/util/message_differencer.h"
#include "tools/csv/csv.h"
#include "tools/csv/csv_format.h"

namespace {

using rota::tools::CsvHeader;
using rota::tools::CsvReader;
using rota::tools::CsvTable;

constexpr CsvTable kTables[] = {
    CsvTable::kSchools,      CsvTable::kPosts,      CsvTable::kTeachers,
    CsvTable::kApplications, CsvTable::kApplicants, CsvTable::kRecruitmentPosts,
};
constexpr char kCounty[] = "f";

void Fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_csv: %s\n", what.c_str());
  std::abort();
}

// AppendCsvRow's output reads back to the same fields.
void CheckRecordRoundTrip(const std::vector<std::string>& fields) {
  // One empty field is written as a blank line, which a reader takes as
  // the end of the file.
  if (fields.size() == 1 && fields[0].empty()) return;
  std::string text;
  rota::tools::AppendCsvRow(&text, fields);
  CsvReader again(text);
  std::vector<std::string> back;
  absl::StatusOr<bool> more = again.Next(&back);
  if (!more.ok() || !*more) {
    Fail("AppendCsvRow wrote a record CsvReader refuses: " +
         (more.ok() ? std::string("end of input")
                    : std::string(more.status().message())));
  }
  if (back != fields) Fail("AppendCsvRow -> CsvReader changed the fields");
}

// True if every resource name in `m` (a string starting "counties/") is
// counties/{county}/{collection}/{id}. The row parsers leave the checking of
// names and references to the server (csv_format.h), which refuses others;
// such a row cannot be exported, since the export writes bare ids.
bool NamesWellFormed(const google::protobuf::Message& m) {
  const google::protobuf::Reflection* r = m.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const auto* f : fields) {
    const int n = f->is_repeated() ? r->FieldSize(m, f) : 1;
    for (int i = 0; i < n; ++i) {
      if (f->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
        const std::string v = f->is_repeated() ? r->GetRepeatedString(m, f, i)
                                               : r->GetString(m, f);
        if (v.rfind("counties/", 0) != 0) continue;
        if (std::count(v.begin(), v.end(), '/') != 3 ||
            v.find("//") != std::string::npos || v.back() == '/') {
          return false;
        }
      } else if (f->cpp_type() ==
                     google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE &&
                 !NamesWellFormed(f->is_repeated()
                                      ? r->GetRepeatedMessage(m, f, i)
                                      : r->GetMessage(m, f))) {
        return false;
      }
    }
  }
  return true;
}

// `message` parsed from a row; writing it with `to_csv` and parsing that
// record with `from_csv` (canonical header) must give `message` again.
template <typename Message, typename ToCsv, typename FromCsv>
void CheckResourceRoundTrip(CsvTable table, const Message& message,
                            ToCsv to_csv, FromCsv from_csv) {
  if (!NamesWellFormed(message)) return;
  absl::StatusOr<CsvHeader> canonical =
      CsvHeader::Parse(table, rota::tools::CsvColumns(table));
  if (!canonical.ok()) Fail("the canonical header does not parse");
  const std::vector<std::string> record = to_csv(message);
  // The exported record must also survive the CSV layer.
  CheckRecordRoundTrip(record);
  Message back;
  std::string field;
  absl::Status s = from_csv(*canonical, record, kCounty, &back, &field,
                            /*all=*/nullptr);
  if (!s.ok()) {
    Fail("an exported " + std::string(Message::descriptor()->name()) +
         " does not import: " + field + ": " + std::string(s.message()) + "\n" +
         message.DebugString());
  }
  std::string diff;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&diff);
  if (!differencer.Compare(message, back)) {
    Fail("export -> import changed a " +
         std::string(Message::descriptor()->name()) + ":\n" + diff);
  }
}

template <typename Message, typename FromCsv, typename ToCsv>
void ParseRow(CsvTable table, const CsvHeader& header,
              const std::vector<std::string>& record, FromCsv from_csv,
              ToCsv to_csv) {
  Message message;
  std::string field;
  if (from_csv(header, record, kCounty, &message, &field, /*all=*/nullptr)
          .ok()) {
    CheckResourceRoundTrip(table, message, to_csv, from_csv);
  }
}

void ParseRecord(const CsvHeader& header,
                 const std::vector<std::string>& record) {
  namespace t = rota::tools;
  switch (header.table()) {
    case CsvTable::kSchools:
      ParseRow<rota::v1::School>(header.table(), header, record,
                                 t::SchoolFromCsv, t::SchoolToCsv);
      break;
    case CsvTable::kPosts:
      ParseRow<rota::v1::Post>(header.table(), header, record, t::PostFromCsv,
                               t::PostToCsv);
      break;
    case CsvTable::kTeachers:
      ParseRow<rota::v1::Teacher>(header.table(), header, record,
                                  t::TeacherFromCsv, t::TeacherToCsv);
      break;
    case CsvTable::kApplicants:
      ParseRow<rota::v1::Applicant>(header.table(), header, record,
                                    t::ApplicantFromCsv, t::ApplicantToCsv);
      break;
    case CsvTable::kRecruitmentPosts:
      ParseRow<rota::v1::RecruitmentPost>(header.table(), header, record,
                                          t::RecruitmentPostFromCsv,
                                          t::RecruitmentPostToCsv);
      break;
    case CsvTable::kApplications: {
      t::Application application;
      std::string field;
      (void)t::ApplicationFromCsv(header, record, &application, &field);
      break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const CsvTable table = kTables[data[0] % std::size(kTables)];
  const std::string_view text(reinterpret_cast<const char*>(data + 1),
                              size - 1);
  CsvReader reader(text);
  std::vector<std::string> record;
  absl::StatusOr<CsvHeader> header = absl::UnknownError("no header yet");
  bool first = true;
  while (true) {
    absl::StatusOr<bool> more = reader.Next(&record);
    if (!more.ok() || !*more) break;
    CheckRecordRoundTrip(record);
    if (first) {
      header = CsvHeader::Parse(table, record);
      first = false;
      continue;
    }
    if (header.ok()) ParseRecord(*header, record);
  }
  return 0;
}
