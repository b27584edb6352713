#include "ccaas/steps/detect.hpp"
#include "ccaas/cli/step_main.hpp"

namespace {

ccaas::steps::Outcome detect_main(const std::vector<std::string>& args,
                                  const ccaas::config::Settings& settings,
                                  ccaas::steps::Context&)
{
  return ccaas::steps::detect({args[0], args[1], settings.types});
}

} // namespace

int main(int argc, char** argv)
{
  const ccaas::cli::StepSpec spec{
    "detect",
    {"CHAINCODE_SOURCE_DIR", "CHAINCODE_METADATA_DIR"},
    "Claims a chaincode package whose metadata.json type is \"ccaas\" (any case), or another type that "
    "CCAAS_BUILDER_TYPES names; silent for other types.",
    {&ccaas::config::k_types},
    false,
    detect_main};
  return ccaas::cli::run_step(spec, argc, argv);
}
