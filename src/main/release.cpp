#include "ccaas/steps/release.hpp"
#include "ccaas/cli/step_main.hpp"
#include "ccaas/steps/connection_file.hpp"

namespace {

int release_main(const std::vector<std::string>& args)
{
  ccaas::steps::release({args[0], args[1], ccaas::steps::now_seconds()});
  return ccaas::cli::k_exit_ok;
}

} // namespace

int main(int argc, char** argv)
{
  const ccaas::cli::StepSpec spec{
    "release",
    {"BUILD_OUTPUT_DIR", "RELEASE_OUTPUT_DIR"},
    "Publishes chaincode/server/connection.json and the CouchDB indexes, and names the chaincode ID.",
    {},
    release_main};
  return ccaas::cli::run_step(spec, argc, argv);
}
