#include "ccaas/cli/step_main.hpp"
#include "ccaas/util/error.hpp"
#include "support/reporter.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using namespace ccaas;
using steps::Outcome;

TEST_CASE("one table maps outcomes to exit codes")
{
  CHECK(cli::exit_code(Outcome::ok) == 0);
  CHECK(cli::exit_code(Outcome::failed) == 1);
  CHECK(cli::exit_code(Outcome::not_ours) == 1);
  CHECK(cli::exit_code(Outcome::terminated) == 143);
}

TEST_CASE("guarded turns what a body throws into exit 1 and at most one line")
{
  test_support::CapturingReporter reporter;
  CHECK(cli::guarded(reporter, [] { return Outcome::terminated; }) == 143);
  CHECK(cli::guarded(reporter, []() -> Outcome { throw Failure("x.json: bad"); }) == 1);
  CHECK(cli::guarded(reporter, []() -> Outcome { throw ReportedFailure(); }) == 1);
  CHECK(cli::guarded(reporter, []() -> Outcome { throw std::runtime_error("boom"); }) == 1);
  CHECK(cli::guarded(reporter, []() -> Outcome { throw 42; }) == 1);
  CHECK(reporter.lines
        == std::vector<std::string>{"error: x.json: bad", "error: internal error: boom", "error: internal error"});
}
