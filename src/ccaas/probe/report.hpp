#pragma once

#include "ccaas/probe/probe.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ccaas::probe {

// "0.4 ms", "12 ms": one decimal below 10 ms.
std::string ms_text(double ms);

// One line a stage: "dns ok 1.2 ms: cc.example resolves to 10.0.0.7".
std::vector<std::string> stage_lines(const ProbeReport& report);

// One line for the whole probe: what the peer would get, and on failure the stage, the cause
// and the likely fix.
std::string verdict_line(const ProbeReport& report);

// The machine-readable form used by `run --check --json` (without the config fields).
nlohmann::json report_json(const ProbeReport& report);

} // namespace ccaas::probe
