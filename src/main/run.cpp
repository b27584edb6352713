#include "ccaas/steps/run.hpp"
#include "ccaas/cli/check_main.hpp"
#include "ccaas/cli/doctor_main.hpp"
#include "ccaas/cli/package_main.hpp"
#include "ccaas/cli/step_main.hpp"

#include <string_view>

namespace {

ccaas::steps::Outcome run_main(const std::vector<std::string>& args,
                               const ccaas::config::Settings& settings,
                               ccaas::steps::Context& context)
{
  return ccaas::steps::run({args[0], args[1], settings.dial_timeout}, context);
}

} // namespace

int main(int argc, char** argv)
{
  if (argc >= 2 && std::string_view(argv[1]) == "--check") {
    return ccaas::cli::run_check(argc, argv);
  }
  if (argc >= 2 && std::string_view(argv[1]) == "--doctor") {
    return ccaas::cli::run_doctor(argc, argv);
  }
  if (argc >= 2 && std::string_view(argv[1]) == "--package") {
    return ccaas::cli::run_package(argc, argv);
  }
  const ccaas::cli::StepSpec spec{
    "run",
    {"BUILD_OUTPUT_DIR", "RUN_METADATA_DIR"},
    "Called by the peer only when the release's connection.json is missing: restores it so that the next "
    "launch dials the chaincode server, probes the server, and exits 1 at once.\n\n"
    "usage: run --check PATH [--ccid ID] [--dial-timeout DURATION] [--json]\n"
    "  what the peer would get from a package file, an unpacked package directory or a durable build\n"
    "  directory, and whether it can launch the chaincode (exit 0) or not (exit 1); it reads\n"
    "  CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG and CCAAS_BUILDER_DIAL_TIMEOUT as build does\n\n"
    "usage: run --package DIR --label LABEL [--type ccaas|external] [--output FILE] [--json]\n"
    "  the package the peer installs, from DIR's connection.json and indexes (META-INF/, or metadata/\n"
    "  for external), checked as build checks it; its bytes depend on these inputs alone, so every org\n"
    "  that packages them gets one package ID, the server's CHAINCODE_ID (default output ./LABEL.tar.gz)\n\n"
    "usage: run --doctor [--config DIR] [--pid PID|NAME] [--json | --metrics | --serve ADDRESS [--interval DURATION]]\n"
    "  in the peer's container: the peer's core.yaml (DIR, else FABRIC_CFG_PATH, else /etc/hyperledger/fabric)\n"
    "  and CORE_... environment, its builders, and every installed chaincode, probed; writes nothing;\n"
    "  --pid PID: the same for the peer process PID, read from outside its container (kubectl debug\n"
    "  --target, docker run --pid container:PEER): its environment, files, builders and resolver;\n"
    "  --pid NAME: the oldest process of that name (--pid peer), found again at each --serve run;\n"
    "  --metrics prints the findings as Prometheus series; --serve :9464 is an exporter for a sidecar:\n"
    "  GET /metrics from the last run, a run every --interval (default 60s), stops on SIGTERM",
    {&ccaas::config::k_dial_timeout},
    true,
    run_main};
  return ccaas::cli::run_step(spec, argc, argv);
}
