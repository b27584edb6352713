#include "ccaas/steps/build.hpp"
#include "ccaas/cli/step_main.hpp"

namespace {

ccaas::steps::Outcome build_main(const std::vector<std::string>& args,
                                 const ccaas::config::Settings& settings,
                                 ccaas::steps::Context& context)
{
  return ccaas::steps::build(
    {args[0], args[1], args[2], settings.template_data, settings.dial_timeout_text, settings.types}, context);
}

} // namespace

int main(int argc, char** argv)
{
  const ccaas::cli::StepSpec spec{
    "build",
    {"CHAINCODE_SOURCE_DIR", "CHAINCODE_METADATA_DIR", "BUILD_OUTPUT_DIR"},
    "Validates the package's connection.json, renders its templates and writes BUILD_OUTPUT_DIR.",
    {&ccaas::config::k_builder_config, &ccaas::config::k_dial_timeout, &ccaas::config::k_types},
    false,
    build_main};
  return ccaas::cli::run_step(spec, argc, argv);
}
