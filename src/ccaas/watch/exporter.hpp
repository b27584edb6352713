#pragma once

#include "ccaas/util/log.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

// `run --doctor --serve ADDRESS`: a Prometheus exporter for a sidecar in the peer's pod. One
// thread runs the doctor on a fixed interval (start to start; never two runs at once; a run
// longer than the interval is followed by the next at once); the HTTP server (cpp-httplib)
// answers GET /metrics from the last completed run, so a slow or dead chaincode server never
// slows a scrape, and GET /healthz; SIGTERM or SIGINT stops both within a second (a run in
// progress is cancelled, as the doctor's probes poll the termination signal).
namespace ccaas::watch {

struct ListenAddress {
  std::string host; // "" for every address (":9464")
  std::uint16_t port = 0;
  std::string text; // as given
};

// ":9464", "127.0.0.1:9464", "[::1]:9464", "localhost:9464". Sets error and returns nothing
// when the text is none of these.
std::optional<ListenAddress> parse_listen_address(const std::string& text, std::string& error);

// What one doctor run gives the exporter.
struct Snapshot {
  std::string metrics;      // the run's series, from doctor_metrics
  std::string summary;      // one line for the log: "2 error(s), 0 warning(s), 9 ok"
  bool unchecked = false;   // some check could not run (the doctor's own trouble): a failed run, series kept
  std::int64_t started = 0; // when the run started, seconds since the epoch (the run's own clock)
};

// Runs the doctor once. Returns nothing when a termination signal cancelled the run; throws
// (Failure, or any std::exception) when the run could not complete.
using RunOnce = std::function<std::optional<Snapshot>()>;

struct ServeOptions {
  ListenAddress address;
  std::int64_t interval_ns = 60'000'000'000;
  int termination_fd = -1; // readable once SIGTERM or SIGINT arrived
};

// Serves until the termination fd is readable; throws Failure when it cannot listen. Logs one
// line when it starts, one when a run's summary differs from the run before, one when it stops.
void serve(const ServeOptions& options, const RunOnce& run_once, log::Reporter& reporter);

} // namespace ccaas::watch
