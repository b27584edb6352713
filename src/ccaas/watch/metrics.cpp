#include "ccaas/watch/metrics.hpp"

#include "ccaas/contract/package_id.hpp"
#include "ccaas/probe/probe.hpp"
#include "ccaas/watch/exposition.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

namespace ccaas::watch {

namespace {

constexpr std::array k_stages{probe::Stage::config,
                              probe::Stage::dns,
                              probe::Stage::tcp,
                              probe::Stage::tls,
                              probe::Stage::http2,
                              probe::Stage::grpc,
                              probe::Stage::mtu,
                              probe::Stage::ccid};

// A durable build the doctor judged the peer's dial of: it has a probe, or its connection.json
// could not be used (the config stage).
// Milliseconds as seconds, to the microsecond (the probe's clock says no more).
double seconds(double ms)
{
  return std::round(ms * 1000) / 1'000'000;
}

struct Dialled {
  const steps::BuildInfo* build;
  Labels labels; // package_id, label, address, builder
  std::optional<probe::Stage> failed;
};

std::string label_of(const std::string& package_id)
{
  const auto parsed = contract::parse_package_id(package_id);
  return parsed ? parsed->label : package_id; // a build directory of another shape: its name
}

std::vector<Dialled> dialled_builds(const steps::DoctorReport& report)
{
  std::vector<Dialled> out;
  for (const steps::BuildInfo& build : report.builds) {
    if (!build.dialled) {
      continue; // the peer calls another builder's run for it: said in the findings, not dialled
    }
    const std::string id = build.package_id.value_or(build.directory.filename().string());
    Dialled dialled{&build,
                    {{"package_id", id},
                     {"label", label_of(id)},
                     {"address", build.report ? build.report->address : ""},
                     {"builder", build.builder_name}},
                    std::nullopt};
    if (!build.report) {
      dialled.failed = probe::Stage::config;
    } else if (!build.report->ok) {
      dialled.failed = build.report->failed_stage;
    }
    out.push_back(std::move(dialled));
  }
  return out;
}

Labels with(Labels labels, const char* name, std::string value)
{
  labels.emplace_back(name, std::move(value));
  return labels;
}

void chaincode_series(Exposition& out, const steps::DoctorReport& report)
{
  out.family("ccaas_builder_chaincode_build_info",
             MetricType::gauge,
             "A durable build in the peer's store, always 1: which builder made it and what the installed package is");
  for (const steps::BuildInfo& build : report.builds) {
    const std::string id = build.package_id.value_or(build.directory.filename().string());
    out.sample({{"package_id", id},
                {"label", label_of(id)},
                {"builder", build.builder_name},
                {"type", build.type.value_or("")},
                {"release_connection", build.release_connection ? "true" : "false"}},
               1);
  }
  const std::vector<Dialled> dialled = dialled_builds(report);
  out.family("ccaas_builder_chaincode_probe_success",
             MetricType::gauge,
             "1 when the probe did everything the peer's launch does with this chaincode's server, 0 when a stage "
             "failed");
  for (const Dialled& d : dialled) {
    out.sample(d.labels, d.build->report && d.build->report->ok ? 1 : 0);
  }
  out.family("ccaas_builder_chaincode_probe_failed_stage",
             MetricType::gauge,
             "1 for the stage at which the probe failed (config, dns, tcp, tls, http2, grpc, mtu, ccid), 0 for the "
             "others");
  for (const Dialled& d : dialled) {
    for (const probe::Stage stage : k_stages) {
      out.sample(with(d.labels, "stage", probe::stage_name(stage)), d.failed == stage ? 1 : 0);
    }
  }
  out.family("ccaas_builder_chaincode_probe_stage_duration_seconds",
             MetricType::gauge,
             "How long each stage of the probe took, for the stages that ran");
  for (const Dialled& d : dialled) {
    if (d.build->report) {
      for (const probe::StageResult& stage : d.build->report->stages) {
        out.sample(with(d.labels, "stage", probe::stage_name(stage.stage)), seconds(stage.ms));
      }
    }
  }
  out.family("ccaas_builder_chaincode_probe_duration_seconds", MetricType::gauge, "How long the whole probe took");
  for (const Dialled& d : dialled) {
    if (d.build->report) {
      out.sample(d.labels, seconds(d.build->report->total_ms));
    }
  }
  out.family("ccaas_builder_chaincode_id_match",
             MetricType::gauge,
             "1 when the server registers with the chaincode ID the peer launches, 0 when it registers with another "
             "(registered_id); absent when the probe did not get that far");
  for (const Dialled& d : dialled) {
    const probe::ProbeReport* report = d.build->report ? &*d.build->report : nullptr;
    if (report && report->ccid_reported && report->ccid_expected) {
      out.sample(with(d.labels, "registered_id", *report->ccid_reported),
                 *report->ccid_reported == *report->ccid_expected ? 1 : 0);
    }
  }
  out.family("ccaas_builder_chaincode_server_certificate_expiry_timestamp_seconds",
             MetricType::gauge,
             "When the certificate the chaincode server presents expires, as the probe's TLS handshake saw it");
  for (const Dialled& d : dialled) {
    if (d.build->report && d.build->report->server_cert_not_after) {
      out.sample(d.labels, static_cast<double>(*d.build->report->server_cert_not_after));
    }
  }
  out.family("ccaas_builder_chaincode_client_certificate_expiry_timestamp_seconds",
             MetricType::gauge,
             "When the client certificate the peer presents to this chaincode server (connection.json client_cert) "
             "expires");
  for (const Dialled& d : dialled) {
    if (d.build->client_cert_not_after) {
      out.sample(d.labels, static_cast<double>(*d.build->client_cert_not_after));
    }
  }
}

void peer_series(Exposition& out, const steps::DoctorReport& report)
{
  out.family("ccaas_builder_builder_info",
             MetricType::gauge,
             "A builder in the peer's externalBuilders, always 1, in the order the peer asks them (position 1 first)");
  for (std::size_t i = 0; i < report.builders.size(); ++i) {
    const steps::BuilderInfo& b = report.builders[i];
    out.sample({{"builder", b.name},
                {"path", b.path},
                {"position", std::to_string(i + 1)},
                {"ours", b.ours ? "true" : "false"},
                {"usable", b.usable ? "true" : "false"}},
               1);
  }
  const auto first = std::find_if(report.builders.begin(), report.builders.end(), [](const steps::BuilderInfo& b) {
    return b.claims_ccaas && b.usable;
  });
  out.family("ccaas_builder_ccaas_first_claimant",
             MetricType::gauge,
             "Always 1: the first builder whose bin/detect claims ccaas packages, which builds every new one "
             "(builder=\"\" when none does)");
  out.sample({{"builder", first != report.builders.end() ? first->name : ""},
              {"ours", first != report.builders.end() && first->ours ? "true" : "false"}},
             1);
  out.family("ccaas_builder_doctor_findings", MetricType::gauge, "The doctor's findings in its last run, by severity");
  const std::array<int, 3> counts = steps::severity_counts(report.findings);
  for (const steps::Severity severity : {steps::Severity::error, steps::Severity::warning, steps::Severity::ok}) {
    out.sample({{"severity", steps::severity_name(severity)}}, counts.at(static_cast<std::size_t>(severity)));
  }
  out.family("ccaas_builder_doctor_unchecked",
             MetricType::gauge,
             "1 when some check could not run for a reason of the doctor's own (no scratch space), not the peer's");
  out.sample(report.unchecked ? 1 : 0);
}

} // namespace

std::string doctor_metrics(const steps::DoctorReport& report, const RunTiming& timing)
{
  Exposition out;
  chaincode_series(out, report);
  peer_series(out, report);
  out.family("ccaas_builder_doctor_run_timestamp_seconds", MetricType::gauge, "When the doctor's run started");
  out.sample(static_cast<double>(timing.started));
  out.family("ccaas_builder_doctor_run_duration_seconds", MetricType::gauge, "How long the doctor's run took");
  out.sample(timing.seconds);
  return out.text();
}

} // namespace ccaas::watch
