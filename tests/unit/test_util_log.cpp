#include "ccaas/util/log.hpp"

#include <doctest/doctest.h>

using ccaas::log::make_line;

TEST_CASE("a line: the step, the level, the message")
{
  CHECK(make_line("build", "", "wrote x") == "build: wrote x");
  CHECK(make_line("build", "error", "bad") == "build: error: bad");
  CHECK(make_line("run", "warning", "a\nb\tc") == "run: warning: a b c");
}

TEST_CASE("every PEM block is redacted, and the rest of the line is kept")
{
  const std::string key = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----\n";
  const std::string cert = "-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAKHBfpE\n-----END CERTIFICATE-----";
  CHECK(make_line("check", "", "{\"client_key\":\"" + key + "\",\"address\":\"cc:1\"}")
        == "check: {\"client_key\":\"[PEM redacted] \",\"address\":\"cc:1\"}");
  CHECK(make_line("check", "", "a " + cert + " b " + key + " c") == "check: a [PEM redacted] b [PEM redacted]  c");
  // No end armour: everything from the start armour on is the block.
  CHECK(make_line("check", "", "x -----BEGIN PRIVATE KEY-----\nMIG") == "check: x [PEM redacted]");
  CHECK(make_line("check", "", key).find("MIG") == std::string::npos);
}

TEST_CASE("a line stays well below the 64 KiB a bufio.Scanner takes")
{
  const std::string line = make_line("build", "", std::string(100'000, 'x'));
  CHECK(line.size() == 4096);
  CHECK(line.substr(line.size() - 3) == "...");
}
