#include "ccaas/steps/run.hpp"
#include "ccaas/cli/step_main.hpp"
#include "ccaas/steps/connection_file.hpp"
#include "ccaas/util/signals.hpp"

namespace {

int run_main(const std::vector<std::string>& args)
{
  ccaas::signals::install_termination_handlers();
  return ccaas::steps::run({args[0], args[1], ccaas::steps::now_seconds()});
}

} // namespace

int main(int argc, char** argv)
{
  const ccaas::cli::StepSpec spec{
    "run",
    {"BUILD_OUTPUT_DIR", "RUN_METADATA_DIR"},
    "Called by the peer only when the release's connection.json is missing: restores it so that the next "
    "launch dials the chaincode server, and exits 1 at once.",
    {},
    run_main};
  return ccaas::cli::run_step(spec, argc, argv);
}
