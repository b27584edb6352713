#include "ccaas/cli/package_main.hpp"

#include "ccaas/cli/step_main.hpp"
#include "ccaas/steps/package.hpp"
#include "ccaas/util/fd.hpp"
#include "ccaas/util/signals.hpp"

#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

namespace ccaas::cli {

namespace {

constexpr const char* k_usage =
  "usage: run --package DIR --label LABEL [--type ccaas|external] [--output FILE] [--json]";

struct PackageArgs {
  steps::PackageInput input;
  std::optional<std::string> output;
  bool json = false;
  bool have_dir = false;
  bool have_label = false;
};

std::string parse(const std::vector<std::string>& args, PackageArgs& parsed)
{
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--json") {
      parsed.json = true;
      continue;
    }
    if (arg != "--package" && arg != "--label" && arg != "--type" && arg != "--output") {
      return "unknown argument " + arg;
    }
    if (i + 1 >= args.size()) {
      return arg + " needs a value";
    }
    const std::string& value = args[++i];
    if (arg == "--package") {
      parsed.input.dir = value;
      parsed.have_dir = true;
    } else if (arg == "--label") {
      parsed.input.label = value;
      parsed.have_label = true;
    } else if (arg == "--type") {
      if (value != "ccaas" && value != "external") {
        return "--type " + value
               + ": ccaas (Fabric's ccaas_builder and ours) or external (fabric-samples' "
                 "sampleBuilder)";
      }
      parsed.input.type = value;
    } else {
      parsed.output = value;
    }
  }
  if (!parsed.have_dir) {
    return "--package DIR is missing";
  }
  if (!parsed.have_label) {
    return "--label LABEL is missing";
  }
  return "";
}

} // namespace

int run_package(int argc, char** argv)
{
  signals::ignore_broken_pipes();
  log::StderrReporter reporter("package");
  PackageArgs parsed;
  // argv[1] is --package itself, with its value: parse from there.
  const std::string error = parse(std::vector<std::string>(argv + 1, argv + argc), parsed);
  if (!error.empty()) {
    reporter.error(error + " (" + k_usage + ")");
    return k_exit_usage;
  }
  return guarded(reporter, [&] {
    const config::Settings settings = config::load_settings({&config::k_builder_config});
    steps::PackageInput& input = parsed.input;
    input.template_data = settings.template_data;
    input.output =
      parsed.output ? std::filesystem::path(*parsed.output) : std::filesystem::path(".") / (input.label + ".tar.gz");
    steps::Context context = make_context(reporter, false);
    const steps::PackageResult result = steps::make_package(input, context);
    if (parsed.json) {
      const nlohmann::json out = {{"file", result.output.string()},
                                  {"label", input.label},
                                  {"type", input.type},
                                  {"package_id", result.package_id},
                                  {"sha256", result.sha256},
                                  {"bytes", result.bytes},
                                  {"files", result.files},
                                  {"chaincode_id", result.package_id}}; // a value, as CHAINCODE_ID takes it
      write_fully(STDOUT_FILENO, out.dump() + "\n");
    } else {
      reporter.info("wrote " + result.output.string() + " (" + std::to_string(result.bytes)
                    + " bytes: " + std::to_string(result.files.size()) + " file(s) in code.tar.gz)");
      reporter.info("package ID " + result.package_id
                    + ": the same for every org that packages these inputs with run --package");
      reporter.info("start the chaincode server with CHAINCODE_ID=" + result.package_id);
      // The data on stdout, the words on stderr: CHAINCODE_ID=$(run --package ...) works, as with
      // peer lifecycle chaincode calculatepackageid.
      write_fully(STDOUT_FILENO, result.package_id + "\n");
    }
    return steps::Outcome::ok;
  });
}

} // namespace ccaas::cli
