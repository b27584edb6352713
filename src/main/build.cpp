#include "ccaas/steps/build.hpp"
#include "ccaas/cli/step_main.hpp"
#include "ccaas/config/env.hpp"
#include "ccaas/steps/connection_file.hpp"

namespace {

int build_main(const std::vector<std::string>& args)
{
  ccaas::steps::build({args[0],
                       args[1],
                       args[2],
                       ccaas::config::get(ccaas::config::k_builder_config),
                       ccaas::config::get(ccaas::config::k_dial_timeout),
                       ccaas::steps::now_seconds()});
  return ccaas::cli::k_exit_ok;
}

} // namespace

int main(int argc, char** argv)
{
  const ccaas::cli::StepSpec spec{
    "build",
    {"CHAINCODE_SOURCE_DIR", "CHAINCODE_METADATA_DIR", "BUILD_OUTPUT_DIR"},
    "Validates the package's connection.json, renders its templates and writes BUILD_OUTPUT_DIR.",
    {ccaas::config::k_builder_config.name, ccaas::config::k_dial_timeout.name},
    build_main};
  return ccaas::cli::run_step(spec, argc, argv);
}
