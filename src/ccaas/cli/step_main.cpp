#include "ccaas/cli/step_main.hpp"

#include "ccaas/cli/version.hpp"
#include "ccaas/util/error.hpp"
#include "ccaas/util/fd.hpp"
#include "ccaas/util/signals.hpp"

#include <unistd.h>

#include <ctime>
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
  if (!spec.variables.empty()) {
    text += "\nenvironment (list each under the builder's propagateEnvironment in core.yaml):\n";
    for (const config::EnvVar* var : spec.variables) {
      text += std::string("  ") + var->name + "\n      " + var->description
              + (var->default_value != nullptr ? std::string(" (default: ") + var->default_value + ")" : "") + "\n";
    }
  }
  text += "\nexit codes: 0 success; 1 failure";
  text += std::string_view(spec.name) == "detect" ? " or not a ccaas package" : "";
  text += "; 2 usage";
  text += std::string_view(spec.name) == "run" ? "; 3 --check or --doctor could not run (no verdict)" : "";
  text += spec.cancellable ? "; 143 terminated" : "";
  text += "\nmessages go to stderr, one line each; the peer logs them at INFO\n";
  return text;
}

} // namespace

int exit_code(steps::Outcome outcome)
{
  switch (outcome) {
    case steps::Outcome::ok:
      return k_exit_ok;
    case steps::Outcome::terminated:
      return k_exit_terminated;
    case steps::Outcome::unchecked:
      return k_exit_unchecked;
    case steps::Outcome::failed:
    case steps::Outcome::not_ours:
      break;
  }
  return k_exit_failure;
}

steps::Context make_context(log::Reporter& reporter, bool cancellable)
{
  if (cancellable) {
    signals::install_termination_handlers();
  }
  return {reporter, probe::Cancel{signals::termination_fd()}, static_cast<std::int64_t>(std::time(nullptr))};
}

int guarded(log::Reporter& reporter, const std::function<steps::Outcome()>& body)
{
  try {
    return exit_code(body());
  } catch (const ReportedFailure&) {
    // its lines are written
  } catch (const Failure& e) {
    reporter.error(e.what());
  } catch (const std::exception& e) {
    reporter.error(std::string("internal error: ") + e.what());
  } catch (...) {
    reporter.error("internal error");
  }
  return k_exit_failure;
}

int run_step(const StepSpec& spec, int argc, char** argv)
{
  signals::ignore_broken_pipes();
  log::StderrReporter reporter(spec.name);
  const std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);

  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    write_fully(STDOUT_FILENO, help_text(spec));
    return k_exit_ok;
  }
  if (!args.empty() && args[0] == "--version" && (args.size() == 1 || (args.size() == 2 && args[1] == "--verbose"))) {
    write_fully(STDOUT_FILENO, version_text(spec.name, args.size() == 2));
    return k_exit_ok;
  }
  if (args.size() != spec.arg_names.size()) {
    reporter.error("usage: expected " + join_names(spec.arg_names) + " arguments, got " + std::to_string(args.size())
                   + " (see --help)");
    return k_exit_usage;
  }
  return guarded(reporter, [&] {
    const config::Settings settings = config::load_settings(spec.variables);
    steps::Context context = make_context(reporter, spec.cancellable);
    return spec.body(args, settings, context);
  });
}

} // namespace ccaas::cli
