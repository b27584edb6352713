#pragma once

#include "ccaas/steps/doctor.hpp"

#include <cstdint>
#include <string>

// The doctor's findings as Prometheus series (`run --doctor --metrics`, and what `--serve`
// answers): per durable build the peer would dial, the probe's verdict, the stage that failed,
// each stage's time, both certificates' expiry and whether the server registers the expected
// chaincode ID; per peer, the builders in order, which claims ccaas packages first, and the
// findings counted by severity. Labels carry names, IDs, addresses and paths, never PEM.
namespace ccaas::watch {

struct RunTiming {
  std::int64_t started = 0; // seconds since the epoch
  double seconds = 0;       // how long the run took
};

std::string doctor_metrics(const steps::DoctorReport& report, const RunTiming& timing);

} // namespace ccaas::watch
