#include "ccaas/cli/step_main.hpp"

#include "ccaas/cli/version.hpp"

#include "ccaas/util/error.hpp"
#include "ccaas/util/fd.hpp"
#include "ccaas/util/log.hpp"
#include "ccaas/util/signals.hpp"

#include <unistd.h>

#include <string_view>

namespace ccaas::cli {

namespace {

std::string join_names(const std::vector<const char*>& names)
{
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) {
      out += (i + 1 == names.size()) ? " and " : ", ";
    }
    out += names[i];
  }
  return out;
}

std::string help_text(const StepSpec& spec)
{
  std::string text = std::string("usage: ") + spec.name;
  for (const char* arg : spec.arg_names) {
    text += std::string(" ") + arg;
  }
  text += "\n\n" + std::string(spec.summary) + "\n";
  if (!spec.env_vars.empty()) {
    text += "\nenvironment (list each under the builder's propagateEnvironment in core.yaml):\n";
    for (const char* var : spec.env_vars) {
      text += std::string("  ") + var + "\n";
    }
  }
  text += "\nexit codes: 0 success; 1 failure";
  text += std::string_view(spec.name) == "detect" ? " or not a ccaas package" : "";
  text += "; 2 usage";
  text += std::string_view(spec.name) == "run" ? "; 143 terminated" : "";
  text += "\nmessages go to stderr, one line each; the peer logs them at INFO\n";
  return text;
}

} // namespace

int run_step(const StepSpec& spec, int argc, char** argv)
{
  signals::ignore_broken_pipes();
  log::set_step(spec.name);
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);

  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    write_fully(STDOUT_FILENO, help_text(spec));
    return k_exit_ok;
  }
  if (args.size() == 1 && args[0] == "--version") {
    write_fully(STDOUT_FILENO, version_text(spec.name));
    return k_exit_ok;
  }
  if (args.size() != spec.arg_names.size()) {
    log::error("usage: expected " + join_names(spec.arg_names) + " arguments, got " + std::to_string(args.size())
               + " (see --help)");
    return k_exit_usage;
  }

  try {
    return spec.body(args);
  } catch (const ReportedFailure&) {
    // its lines are written
  } catch (const Failure& e) {
    log::error(e.what());
  } catch (const std::exception& e) {
    log::error(std::string("internal error: ") + e.what());
  } catch (...) {
    log::error("internal error");
  }
  return k_exit_failure;
}

} // namespace ccaas::cli
