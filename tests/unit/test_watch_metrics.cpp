#include "ccaas/watch/exporter.hpp"
#include "ccaas/watch/exposition.hpp"
#include "ccaas/watch/metrics.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ccaas;

TEST_CASE("the exposition format: escaped label values, numbers as Prometheus reads them, HELP and TYPE first")
{
  CHECK(watch::escape_label_value("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
  CHECK(watch::format_value(1) == "1");
  CHECK(watch::format_value(0) == "0");
  CHECK(watch::format_value(-3) == "-3");
  CHECK(watch::format_value(0.25) == "0.25");
  CHECK(watch::format_value(1796164407) == "1796164407");
  CHECK(watch::format_value(1.4246e-05) == "1.4246e-05");
  CHECK(watch::format_value(1.0 / 0.0) == "+Inf");
  watch::Exposition out;
  out.family("ccaas_builder_x_seconds", watch::MetricType::gauge, "line one\nback\\slash");
  out.sample({{"a", "1"}, {"b", "say \"hi\""}}, 0.5);
  out.family("ccaas_builder_runs_total", watch::MetricType::counter, "runs");
  out.sample(3);
  CHECK(out.text()
        == "# HELP ccaas_builder_x_seconds line one\\nback\\\\slash\n"
           "# TYPE ccaas_builder_x_seconds gauge\n"
           "ccaas_builder_x_seconds{a=\"1\",b=\"say \\\"hi\\\"\"} 0.5\n"
           "# HELP ccaas_builder_runs_total runs\n"
           "# TYPE ccaas_builder_runs_total counter\n"
           "ccaas_builder_runs_total 3\n");
}

TEST_CASE("the doctor's report as series: a failed probe's stage, the expiry, the first claimant")
{
  steps::DoctorReport report;
  steps::BuilderInfo fabric;
  fabric.name = "fabric-ccaas";
  fabric.path = "/opt/fabric";
  fabric.claims_ccaas = true;
  fabric.usable = true;
  steps::BuilderInfo ours;
  ours.name = "ccaas-builder";
  ours.path = "/opt/ours";
  ours.ours = ours.claims_ccaas = ours.usable = true;
  report.builders = {fabric, ours};
  steps::BuildInfo build;
  const std::string hash(64, 'a');
  build.directory = "/fs/externalbuilder/builds/cc_1.0-" + hash;
  build.package_id = "cc_1.0:" + hash;
  build.builder_name = "ccaas-builder";
  build.release_connection = true;
  build.dialled = true;
  build.client_cert_not_after = 1'800'000'000;
  probe::ProbeReport probed;
  probed.address = "cc:7052";
  probed.failed_stage = probe::Stage::tcp;
  probed.stages = {{probe::Stage::dns, true, 1.5, ""}, {probe::Stage::tcp, false, 2000.25, ""}};
  probed.total_ms = 2001.75;
  build.report = probed;
  report.builds = {build};
  report.findings = {{steps::Severity::error, "chaincode cc_1.0:" + hash, "probe", "failed", ""}};
  const std::string text = watch::doctor_metrics(report, {1'700'000'000, 2.5});
  const std::string labels =
    "package_id=\"cc_1.0:" + hash + "\",label=\"cc_1.0\",address=\"cc:7052\",builder=\"ccaas-builder\"";
  CHECK(text.find("ccaas_builder_chaincode_probe_success{" + labels + "} 0\n") != std::string::npos);
  CHECK(text.find("ccaas_builder_chaincode_probe_failed_stage{" + labels + ",stage=\"tcp\"} 1\n") != std::string::npos);
  CHECK(text.find("ccaas_builder_chaincode_probe_failed_stage{" + labels + ",stage=\"dns\"} 0\n") != std::string::npos);
  CHECK(text.find("ccaas_builder_chaincode_probe_stage_duration_seconds{" + labels + ",stage=\"tcp\"} 2.00025\n")
        != std::string::npos);
  CHECK(text.find("ccaas_builder_chaincode_client_certificate_expiry_timestamp_seconds{" + labels + "} 1800000000\n")
        != std::string::npos);
  CHECK(text.find("ccaas_builder_chaincode_id_match{") == std::string::npos); // no server reached, no ID
  CHECK(text.find("ccaas_builder_ccaas_first_claimant{builder=\"fabric-ccaas\",ours=\"false\"} 1\n")
        != std::string::npos);
  CHECK(text.find("ccaas_builder_doctor_findings{severity=\"error\"} 1\n") != std::string::npos);
  CHECK(text.find("ccaas_builder_doctor_run_timestamp_seconds 1700000000\n") != std::string::npos);
  CHECK(text.find("ccaas_builder_doctor_run_duration_seconds 2.5\n") != std::string::npos);
}

TEST_CASE("--serve addresses: :PORT for every address, HOST:PORT, [v6]:PORT; the rest refused")
{
  std::string error;
  auto any = watch::parse_listen_address(":9464", error);
  REQUIRE(any);
  CHECK(any->host.empty());
  CHECK(any->port == 9464);
  auto v6 = watch::parse_listen_address("[::1]:9464", error);
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK_FALSE(watch::parse_listen_address("9464", error));
  CHECK(error.rfind("--serve 9464: ", 0) == 0);
  CHECK_FALSE(watch::parse_listen_address(":99999", error));
  CHECK(error.rfind("--serve :99999: ", 0) == 0);
}
