#include "ccaas/steps/release.hpp"
#include "ccaas/cli/step_main.hpp"
#include "ccaas/config/env.hpp"
#include "ccaas/steps/connection_file.hpp"
#include "ccaas/util/signals.hpp"

namespace {

int release_main(const std::vector<std::string>& args)
{
  const ccaas::config::ProbePolicy policy = ccaas::config::probe_policy();
  ccaas::signals::install_termination_handlers();
  ccaas::steps::release({args[0], args[1], ccaas::steps::now_seconds(), policy, ccaas::signals::termination_fd()});
  if (ccaas::signals::termination_requested()) {
    return ccaas::cli::k_exit_terminated;
  }
  return ccaas::cli::k_exit_ok;
}

} // namespace

int main(int argc, char** argv)
{
  const ccaas::cli::StepSpec spec{
    "release",
    {"BUILD_OUTPUT_DIR", "RELEASE_OUTPUT_DIR"},
    "Probes the chaincode server, publishes chaincode/server/connection.json and the CouchDB indexes, and names "
    "the chaincode ID.",
    {ccaas::config::k_probe.name},
    release_main};
  return ccaas::cli::run_step(spec, argc, argv);
}
