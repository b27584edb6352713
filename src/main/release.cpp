#include "ccaas/steps/release.hpp"
#include "ccaas/cli/step_main.hpp"

namespace {

ccaas::steps::Outcome release_main(const std::vector<std::string>& args,
                                   const ccaas::config::Settings& settings,
                                   ccaas::steps::Context& context)
{
  return ccaas::steps::release({args[0], args[1], settings.probe}, context);
}

} // namespace

int main(int argc, char** argv)
{
  const ccaas::cli::StepSpec spec{
    "release",
    {"BUILD_OUTPUT_DIR", "RELEASE_OUTPUT_DIR"},
    "Probes the chaincode server, publishes chaincode/server/connection.json and the CouchDB indexes, and names "
    "the chaincode ID.",
    {&ccaas::config::k_probe},
    true,
    release_main};
  return ccaas::cli::run_step(spec, argc, argv);
}
