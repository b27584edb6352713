#include "ccaas/steps/doctor_checks.hpp"

#include "ccaas/contract/metadata.hpp"
#include "ccaas/contract/package_id.hpp"
#include "ccaas/steps/package_layout.hpp"
#include "ccaas/util/error.hpp"
#include "ccaas/util/fd.hpp"
#include "ccaas/util/file.hpp"
#include "ccaas/util/spawn.hpp"
#include "ccaas/util/targz.hpp"
#include "ccaas/util/temp_dir.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <optional>

// Which builder claims which package, found the way the peer finds it: it runs each builder's
// bin/detect in list order and the first that exits 0 builds the package
// (core/container/externalbuilder/externalbuilder.go, Detector.detect); names and paths tell
// nothing. The installed packages themselves are read from the peer's package store.
namespace ccaas::steps::doctor_checks {

namespace {

// The peer waits for detect without a limit; the doctor does not.
constexpr std::chrono::milliseconds k_detect_limit{10'000};
// appendDefaultPropagateEnvironment: what every builder gets besides its propagateEnvironment.
constexpr const char* k_default_propagated[] = {"LD_LIBRARY_PATH", "LIBPATH", "PATH", "TMPDIR"};

// A ccaas package with nothing but what Fabric's ccaas_builder and ours look at.
constexpr const char* k_minimal_metadata = R"({"type":"ccaas","label":"ccaas-builder-doctor"})";
constexpr const char* k_minimal_connection = R"({"address":"chaincode.invalid:7052","dial_timeout":"3s"})";

// The environment the peer gives a builder: its propagateEnvironment and the defaults, each only
// when set in the peer's own (NewCommand: os.LookupEnv, so a variable set to "" is passed).
std::vector<std::string> environment_for(const BuilderInfo& builder, const std::map<std::string, std::string>& env)
{
  std::vector<std::string> names = builder.propagate;
  for (const char* name : k_default_propagated) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      names.emplace_back(name);
    }
  }
  std::vector<std::string> out;
  for (const std::string& name : names) {
    if (const auto value = env.find(name); value != env.end()) {
      out.push_back(name + "=" + value->second);
    }
  }
  return out;
}

// A detect that failed before deciding: the shell's own exit codes (2: a usage or syntax error in
// dash and bash, 126: cannot execute, 127: not found) with something on stderr.
bool shell_error(const spawn::Exit& exit)
{
  return exit.started && !exit.timed_out && !exit.cancelled && exit.signal == 0
         && (exit.code == 2 || exit.code == 126 || exit.code == 127) && !exit.stderr_text.empty();
}

std::string first_line(const std::string& text)
{
  const std::size_t start = text.find_first_not_of('\n');
  if (start == std::string::npos) {
    return {};
  }
  std::string line = text.substr(start, text.find('\n', start) - start);
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  return line.size() > 300 ? line.substr(0, 300) + "..." : line;
}

// How the doctor runs a builder's program as the peer would: from outside, inside the peer's
// root, in its working directory, as its user, with the package's folders handed over as open
// directories (/proc/self/fd/3 and 4), so that nothing is written into the peer's root.
struct Runner {
  const DoctorInput& input;
  UniqueFd cwd;
  bool change_user = false;

  explicit Runner(const DoctorInput& in)
    : input(in)
  {
    if (input.outside) {
      cwd.reset(::open(("/proc/" + std::to_string(input.peer.pid) + "/cwd").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
      change_user = ::geteuid() == 0 && input.peer.uid != 0;
    }
  }

  spawn::Exit detect(const BuilderInfo& builder, const PackageLayout& dirs, const probe::Cancel& cancel) const
  {
    spawn::Options options;
    options.limit = k_detect_limit;
    options.cancel_fd = cancel.fd;
    options.capture_stderr = true;
    const fs::path program = fs::path(builder.path) / "bin" / "detect";
    if (!input.outside) {
      return spawn::run(program.string(),
                        {dirs.src.string(), dirs.metadata_dir.string()},
                        environment_for(builder, input.peer.environ),
                        options);
    }
    const UniqueFd src(::open(dirs.src.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    const UniqueFd metadata(::open(dirs.metadata_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    options.root = input.peer.root.root().string();
    options.cwd_fd = cwd.get();
    options.pass_fds = {src.get(), metadata.get()};
    if (change_user) {
      options.uid = input.peer.uid;
      options.gid = input.peer.gid;
    }
    return spawn::run(
      program.string(), {"/proc/self/fd/3", "/proc/self/fd/4"}, environment_for(builder, input.peer.environ), options);
  }

  // The peer's user must read what it is handed.
  void hand_over(const fs::path& dir) const
  {
    if (!change_user) {
      return;
    }
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      [[maybe_unused]] const int rc = ::lchown(it->path().c_str(), input.peer.uid, input.peer.gid);
    }
    [[maybe_unused]] const int rc = ::lchown(dir.c_str(), input.peer.uid, input.peer.gid);
  }
};

struct Layout {
  PackageLayout dirs;
  std::string problem; // the package could not be laid out: no detect runs on it
};

Layout lay_out_minimal(const fs::path& work)
{
  Layout layout{{work / "src", work / "metadata"}, {}};
  file::make_dirs(layout.dirs.src, 0700);
  file::make_dirs(layout.dirs.metadata_dir, 0700);
  file::write_atomic(layout.dirs.metadata_dir / contract::k_metadata_file, k_minimal_metadata, 0600);
  file::write_atomic(layout.dirs.src / contract::k_connection_file, k_minimal_connection, 0600);
  return layout;
}

} // namespace

// What this builder's detect claims on this peer: CCAAS_BUILDER_TYPES as the peer passes it.
config::PackageTypes our_types(const std::vector<BuilderInfo>& builders, const contract::EnvLookup& env)
{
  const auto our = find_ours(builders);
  if (our == builders.end()
      || std::find(our->propagate.begin(), our->propagate.end(), config::k_types.name) == our->propagate.end()) {
    return {};
  }
  try {
    return config::load_settings({&config::k_types}, env).types;
  } catch (const Failure&) {
    return {}; // check_builders reports the value
  }
}

bool find_claims(const DoctorInput& input,
                 const config::PackageTypes& types,
                 std::vector<BuilderInfo>& builders,
                 std::vector<InstalledPackage>& packages,
                 const probe::Cancel& cancel,
                 Findings& findings)
{
  // From inside, the builders before ours (ours claims what CCAAS_BUILDER_TYPES says); from
  // outside the peer, every builder it lists, in order: the peer's own root decides.
  const auto our = input.outside ? builders.end() : find_ours(builders);
  std::vector<BuilderInfo*> asked;
  for (auto it = builders.begin(); it != our; ++it) {
    if (it->usable) {
      asked.push_back(&*it);
    }
  }
  // Ours claims the types its detect claims (CCAAS_BUILDER_TYPES, when the peer passes it); the
  // builders after it are never asked for one.
  const auto ours_claims = [&](const InstalledPackage& package) {
    return our != builders.end() && our->usable && package.type && contract::claims_type(types, *package.type);
  };
  if (asked.empty()) {
    for (InstalledPackage& package : packages) {
      package.claimed_by = ours_claims(package) ? our->name : "";
    }
    return true;
  }
  const auto names = [&asked] {
    std::vector<std::string> out;
    out.reserve(asked.size());
    for (const BuilderInfo* b : asked) {
      out.push_back(b->name);
    }
    return join(out);
  };
  const std::string which = input.outside ? "" : ", listed before ccaas-builder";
  if (input.outside && ::access((input.peer.root.root() / "proc" / "self" / "fd").c_str(), F_OK) != 0) {
    findings.cannot_check(k_builders,
                          "detect",
                          "could not run the bin/detect of " + names()
                            + " in the peer's root: it has no /proc that "
                              "shows this process, so no package can be handed to them; which builder claims what was "
                              "judged from the files only, not run",
                          "run the doctor from a container that shares the peer's process namespace "
                          "(kubectl debug --target, docker run --pid container:PEER)");
    return false;
  }

  std::optional<file::TempDir> scratch;
  try {
    scratch.emplace("ccaas-doctor-");
  } catch (const OwnTrouble& e) {
    findings.cannot_check(k_builders,
                          "detect",
                          std::string("could not run the bin/detect of ") + names() + which + ": " + e.what()
                            + ": the doctor's own trouble, not the peer's; which builder claims ccaas packages is "
                              "not known",
                          "run the doctor with TMPDIR set to a writable directory (an emptyDir in a pod with "
                          "readOnlyRootFilesystem)");
    return false;
  }
  const Runner runner(input);
  bool refused = false;

  // Runs one builder's detect on a laid-out package: whether it claims it, with a finding when
  // the peer would not get an answer either. None once a termination signal arrived, or once
  // running inside the peer's root was refused.
  const auto detect = [&](BuilderInfo& builder, const PackageLayout& dirs) {
    if (cancel.requested() || refused) {
      return false;
    }
    const spawn::Exit exit = runner.detect(builder, dirs, cancel);
    if (exit.cancelled) {
      return false; // killed: the doctor is stopping
    }
    if (exit.setup_refused) {
      refused = true;
      findings.cannot_check(k_builders,
                            "detect",
                            "could not run the bin/detect of " + names() + " in the peer's root: " + exit.error
                              + ": which builder claims what was judged from the files only, not run",
                            "start the debug container with the default capabilities (CAP_SYS_CHROOT, and "
                            "CAP_SETUID and CAP_SETGID for a peer of another user), e.g. kubectl debug "
                            "--profile=general");
      return false;
    }
    ++builder.detect_runs;
    if (shell_error(exit)) {
      ++builder.detect_shell_errors;
      builder.detect_code = exit.code;
      builder.detect_stderr = first_line(exit.stderr_text);
    }
    if (exit.timed_out) {
      findings.add(Severity::error,
                   k_builders,
                   "builder " + builder.name,
                   "bin/detect did not exit within " + std::to_string(k_detect_limit.count() / 1000)
                     + "s: the peer waits for it without a limit, so an install hangs there",
                   "fix or remove that builder");
    } else if (!exit.started) {
      findings.add(Severity::error,
                   k_builders,
                   "builder " + builder.name,
                   "bin/detect " + exit.error
                     + ": the peer logs that only at DEBUG and hands the package to the next builder",
                   "check the program's interpreter (#!) and format for this image");
    }
    return exit.started && !exit.timed_out && exit.code == 0;
  };

  const fs::path& work = scratch->path();
  const Layout minimal = lay_out_minimal(work / "minimal");
  runner.hand_over(work);
  for (BuilderInfo* builder : asked) {
    builder->claims_ccaas = detect(*builder, minimal.dirs);
    builder->detect_ran = !refused;
  }
  std::size_t n = 0;
  for (InstalledPackage& package : packages) {
    if (cancel.requested() || refused) {
      return false;
    }
    PackageLayout dirs;
    try {
      dirs = lay_out_package(input.peer.root.at(package.file), work / ("package-" + std::to_string(++n)));
    } catch (const OwnTrouble&) {
      throw;
    } catch (const Failure&) {
      continue; // read_installed said what is wrong with it
    }
    runner.hand_over(dirs.src.parent_path());
    for (BuilderInfo* builder : asked) {
      if (detect(*builder, dirs)) {
        package.claimed_by = builder->name;
        break;
      }
    }
    if (package.claimed_by.empty() && ours_claims(package)) {
      package.claimed_by = our->name;
    }
    file::remove_tree(dirs.src.parent_path());
  }
  return !cancel.requested() && !refused;
}

} // namespace ccaas::steps::doctor_checks
