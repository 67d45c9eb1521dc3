#include "tools/rotactl/output.h"

#include <cstdio>
#include <string>

#include "gtest/gtest.h"

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

}  // namespace
}  // namespace rota::rotactl
