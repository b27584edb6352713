#include "ccaas/probe/report.hpp"

#include <cmath>
#include <cstdio>

namespace ccaas::probe {

std::string ms_text(double ms)
{
  char text[32];
  std::snprintf(text, sizeof text, ms < 10 ? "%.1f ms" : "%.0f ms", ms);
  return text;
}

std::vector<std::string> stage_lines(const ProbeReport& report)
{
  std::vector<std::string> lines;
  for (const StageResult& stage : report.stages) {
    lines.push_back(std::string(stage_name(stage.stage)) + (stage.ok ? " ok " : " FAILED ") + ms_text(stage.ms) + ": "
                    + stage.detail);
  }
  return lines;
}

std::string verdict_line(const ProbeReport& report)
{
  if (report.cancelled) {
    return "probe of " + report.address + " cancelled after " + ms_text(report.total_ms);
  }
  if (report.unchecked) {
    return "probe of " + report.address + " not completed after " + ms_text(report.total_ms) + ": " + report.error
           + "; " + report.hint;
  }
  if (report.ok) {
    std::string line = "probe of " + report.address + " ok in " + ms_text(report.total_ms) + ": ";
    std::string stages;
    for (const StageResult& stage : report.stages) {
      stages += (stages.empty() ? "" : ", ") + std::string(stage_name(stage.stage));
    }
    line += stages;
    if (report.ccid_reported) {
      line += report.ccid_expected
                ? "; the server registers as " + *report.ccid_reported + ", the chaincode ID the peer launches"
                : "; the server registers as " + *report.ccid_reported;
    }
    for (const std::string& warning : report.warnings) {
      line += "; but " + warning;
    }
    return line;
  }
  return "probe of " + report.address + " failed at " + stage_name(*report.failed_stage) + " after "
         + ms_text(report.total_ms) + ": " + report.error + "; fix: " + report.hint;
}

nlohmann::json report_json(const ProbeReport& report)
{
  nlohmann::json out = nlohmann::json::object();
  out["ok"] = report.ok;
  out["unchecked"] = report.unchecked;
  out["address"] = report.address;
  out["ccid_expected"] = report.ccid_expected ? nlohmann::json(*report.ccid_expected) : nlohmann::json(nullptr);
  out["ccid_reported"] = report.ccid_reported ? nlohmann::json(*report.ccid_reported) : nlohmann::json(nullptr);
  out["failed_stage"] =
    report.failed_stage ? nlohmann::json(stage_name(*report.failed_stage)) : nlohmann::json(nullptr);
  out["error"] = report.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(report.error);
  out["hint"] = report.hint.empty() ? nlohmann::json(nullptr) : nlohmann::json(report.hint);
  nlohmann::json stages = nlohmann::json::array();
  for (const StageResult& stage : report.stages) {
    stages.push_back({{"stage", stage_name(stage.stage)},
                      {"ok", stage.ok},
                      {"ms", std::round(stage.ms * 100) / 100},
                      {"detail", stage.detail}});
  }
  out["stages"] = std::move(stages);
  out["warnings"] = report.warnings;
  out["ms"] = std::round(report.total_ms * 100) / 100;
  return out;
}

} // namespace ccaas::probe
