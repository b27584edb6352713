#include "ccaas/probe/report.hpp"

#include <doctest/doctest.h>

using namespace ccaas::probe;

// The durations below are the test's own inputs, not measurements: the expected lines check how
// ms_text formats them (one decimal below 10 ms), so they cannot vary with the machine's load.
TEST_CASE("a failed probe reads as one verdict line and a JSON object with every field")
{
  ProbeReport report;
  report.address = "cc:9999";
  report.ccid_expected = "cc_1:" + std::string(64, 'a');
  report.failed_stage = Stage::tcp;
  report.error = "connection refused on port 9999: nothing listens there";
  report.hint = "check the port";
  report.stages = {{Stage::dns, true, 1.25, "cc resolves to 10.0.0.1"}, {Stage::tcp, false, 0.5, "10.0.0.1 refused"}};
  report.total_ms = 2;
  CHECK(verdict_line(report)
        == "probe of cc:9999 failed at tcp after 2.0 ms: connection refused on port 9999: nothing listens there; fix: "
           "check "
           "the port");
  CHECK(stage_lines(report)
        == std::vector<std::string>{"dns ok 1.2 ms: cc resolves to 10.0.0.1", "tcp FAILED 0.5 ms: 10.0.0.1 refused"});
  const nlohmann::json json = report_json(report);
  CHECK(json["ok"] == false);
  CHECK(json["address"] == "cc:9999");
  CHECK(json["ccid_expected"] == *report.ccid_expected);
  CHECK(json["ccid_reported"].is_null());
  CHECK(json["failed_stage"] == "tcp");
  CHECK(json["error"] == report.error);
  CHECK(json["hint"] == "check the port");
  REQUIRE(json["stages"].size() == 2);
  CHECK(json["stages"][0]
        == nlohmann::json{{"stage", "dns"}, {"ok", true}, {"ms", 1.25}, {"detail", "cc resolves to 10.0.0.1"}});
}

TEST_CASE("a passing probe names its stages and the registered chaincode ID")
{
  ProbeReport report;
  report.ok = true;
  report.address = "cc:9999";
  report.ccid_reported = "cc_1:x";
  report.stages = {
    {Stage::dns, true, 0, ""}, {Stage::tcp, true, 0, ""}, {Stage::http2, true, 0, ""}, {Stage::grpc, true, 0, ""}};
  report.total_ms = 12.4;
  CHECK(verdict_line(report) == "probe of cc:9999 ok in 12 ms: dns, tcp, http2, grpc; the server registers as cc_1:x");
  CHECK(report_json(report)["failed_stage"].is_null());
  CHECK(report_json(report)["error"].is_null());
  CHECK(stage_name(Stage::config) == std::string("config"));
}
