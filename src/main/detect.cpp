#include "ccaas/steps/detect.hpp"
#include "ccaas/cli/step_main.hpp"

namespace {

int detect_main(const std::vector<std::string>& args)
{
  return ccaas::steps::detect({args[0], args[1]}) ? ccaas::cli::k_exit_ok : ccaas::cli::k_exit_failure;
}

} // namespace

int main(int argc, char** argv)
{
  const ccaas::cli::StepSpec spec{
    "detect",
    {"CHAINCODE_SOURCE_DIR", "CHAINCODE_METADATA_DIR"},
    "Claims a chaincode package whose metadata.json type is \"ccaas\" (any case); silent for other types.",
    {},
    detect_main};
  return ccaas::cli::run_step(spec, argc, argv);
}
