#include "tools/rotactl/output.h"

#include <cstdio>
#include <string>

#include "gtest/gtest.h"
#include "rota/v1/rounds.pb.h"

namespace rota::rotactl {
namespace {

TEST(OutputTest, DisplayWidthCountsWideCharactersTwice) {
  EXPECT_EQ(DisplayWidth(""), 0);
  EXPECT_EQ(DisplayWidth("abc"), 3);
  EXPECT_EQ(DisplayWidth("王芳"), 4);
  EXPECT_EQ(DisplayWidth("s1 一中，东"), 3 + 8);  // fullwidth comma is wide
  EXPECT_EQ(DisplayWidth("é"), 1);                // two bytes, one column
  EXPECT_EQ(DisplayWidth("e\xCC\x81"), 1);        // combining accent
}

TEST(OutputTest, TableColumnsAlignUnderCjkText) {
  std::fflush(stdout);
  char* buf = nullptr;
  size_t len = 0;
  FILE* mem = open_memstream(&buf, &len);
  FILE* saved = stdout;
  stdout = mem;
  PrintTable({"ID", "NAME", "ZONE"},
             {{"s1", "青山镇中心小学", "z01"}, {"s22", "ab", "z2"}});
  std::fflush(stdout);
  stdout = saved;
  std::fclose(mem);
  const std::string out(buf, len);
  std::free(buf);
  EXPECT_EQ(out,
            "ID   NAME            ZONE\n"
            "s1   青山镇中心小学  z01\n"
            "s22  ab              z2\n");
}

// Runs `print` with stdout captured.
template <typename F>
std::string Captured(F print) {
  std::fflush(stdout);
  char* buf = nullptr;
  size_t len = 0;
  FILE* mem = open_memstream(&buf, &len);
  FILE* saved = stdout;
  stdout = mem;
  print();
  std::fflush(stdout);
  stdout = saved;
  std::fclose(mem);
  const std::string out(buf, len);
  std::free(buf);
  return out;
}

TEST(OutputTest, CsvStartsWithAByteOrderMark) {
  rota::v1::Placement p;
  const std::string list = Captured([&] {
    ListPrinter out(OutputFormat::kCsv, {}, {"教师", "结果"});
    out.Add(p, {}, {"王芳 (t1)", "调动"});
    out.Finish();
  });
  EXPECT_EQ(list, "\xEF\xBB\xBF教师,结果\n王芳 (t1),调动\n");
  // Even with no rows.
  const std::string empty = Captured([&] {
    ListPrinter out(OutputFormat::kCsv, {}, {"id"});
    out.Finish();
  });
  EXPECT_EQ(empty, "\xEF\xBB\xBFid\n");
  const std::string one =
      Captured([&] { PrintResource(OutputFormat::kCsv, p, {"id"}, {"t1"}); });
  EXPECT_EQ(one, "\xEF\xBB\xBFid\nt1\n");
  // Tables and JSON have none.
  const std::string table = Captured([&] {
    ListPrinter out(OutputFormat::kTable, {"ID"}, {"id"});
    out.Add(p, {"t1"}, {"t1"});
    out.Finish();
  });
  EXPECT_EQ(table, "ID\nt1\n");
}

TEST(OutputTest, CsvIsRefusedByCommandsThatPrintNoTable) {
  for (const std::vector<std::string>& path :
       std::vector<std::vector<std::string>>{{"round", "explain"},
                                             {"round", "run"},
                                             {"round", "commit"},
                                             {"audit", "replay"},
                                             {"audit", "verify"},
                                             {"import", "teachers"},
                                             {"policy", "show"},
                                             {"school", "delete"}}) {
    const std::string refusal = CsvRefusal(path);
    EXPECT_NE(refusal.find("-o table"), std::string::npos) << path[1];
    EXPECT_NE(refusal.find("-o json"), std::string::npos) << path[1];
  }
  for (const std::vector<std::string>& path :
       std::vector<std::vector<std::string>>{{"round", "results"},
                                             {"round", "report"},
                                             {"round", "list"},
                                             {"round", "coverage"},
                                             {"audit", "history"},
                                             {"teacher", "list"},
                                             {"summary"}}) {
    EXPECT_EQ(CsvRefusal(path), "") << path[0];
  }
}

}  // namespace
}  // namespace rota::rotactl
