#include "ccaas/steps/doctor_checks.hpp"

#include "ccaas/contract/metadata.hpp"
#include "ccaas/steps/doctor_scratch.hpp"
#include "ccaas/steps/package_layout.hpp"
#include "ccaas/util/error.hpp"
#include "ccaas/util/file.hpp"
#include "ccaas/util/spawn.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <functional>
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

// The doctor's scratch work in the peer's root (doctor_scratch.hpp): a few files, bounded.
constexpr std::chrono::milliseconds k_scratch_limit{30'000};
// Bytes the doctor unpacks in one run, over all packages: more is judged from metadata.json alone.
constexpr std::uint64_t k_unpack_budget = 256ULL << 20;
// Capabilities by which a program reaches other processes of its PID namespace (ptrace, their
// /proc/PID/root), this doctor's included: a program holding one is never run by the doctor.
constexpr std::uint64_t k_reaching = (1ULL << 19) | (1ULL << 21); // CAP_SYS_PTRACE, CAP_SYS_ADMIN

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

// The last line a program wrote (a shell names the failing command there), printable, bounded.
std::string last_line(const std::string& text)
{
  std::size_t end = text.find_last_not_of("\r\n");
  if (end == std::string::npos) {
    return {};
  }
  const std::size_t start = text.rfind('\n', end);
  std::string line =
    text.substr(start == std::string::npos ? 0 : start + 1, end + 1 - (start == std::string::npos ? 0 : start + 1));
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      c = ' ';
    }
  }
  return line.size() > 300 ? line.substr(0, 300) + "..." : line;
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

// How the doctor runs a builder's program as the peer would. From outside, confined as spawn
// confines it: chrooted into the peer's root (its descriptor, kept since the peer was read), in
// its working directory, as its user and groups, with no capability the peer lacks; the package
// laid out inside that root, in the peer's TMPDIR, by the doctor's own code confined the same way
// (so nothing of the peer's can make the doctor act outside it). From inside, as the doctor runs.
struct Runner {
  const DoctorInput& input;
  std::optional<file::InRoot> cwd;
  spawn::Options confined;
  std::string refusal; // why no program of the peer's runs at all
  std::string tmpdir;  // the peer's TMPDIR, as Go's os.TempDir reads it

  explicit Runner(const DoctorInput& in)
    : input(in)
  {
    const auto tmp = input.peer.environ.find("TMPDIR");
    tmpdir = tmp != input.peer.environ.end() && !tmp->second.empty() ? tmp->second : "/tmp";
    if (!input.outside) {
      return;
    }
    confined.root_fd = input.peer.root.root_fd();
    cwd.emplace(input.peer.root.open(input.peer.cwd, O_PATH | O_DIRECTORY));
    confined.cwd_fd = cwd->ok() ? cwd->fd() : -1;
    if (::geteuid() == 0 || ::geteuid() != input.peer.uid) {
      confined.change_user = true;
      confined.user = spawn::Identity{input.peer.uid, input.peer.gid, input.peer.groups};
    }
    const process::Powers& powers = input.peer.powers;
    confined.capabilities = powers.effective & powers.bounding;
    if ((*confined.capabilities & k_reaching) != 0) {
      refusal = "the peer holds CAP_SYS_ADMIN or CAP_SYS_PTRACE (CapEff " + hex(powers.effective)
                + "), by which a program it runs reaches the other processes of its PID namespace, this "
                  "doctor's too: the doctor runs no program with them";
    }
  }

  static std::string hex(std::uint64_t mask)
  {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(mask));
    return text;
  }

  spawn::Exit detect(const BuilderInfo& builder, const PackageLayout& dirs, const probe::Cancel& cancel) const
  {
    spawn::Options options = confined;
    options.limit = k_detect_limit;
    options.cancel_fd = cancel.fd;
    options.capture_stderr = true;
    const fs::path program = fs::path(builder.path) / "bin" / "detect";
    return spawn::run(program.string(),
                      {dirs.src.string(), dirs.metadata_dir.string()},
                      environment_for(builder, input.peer.environ),
                      options);
  }

  // The doctor's scratch work (doctor_scratch.hpp), run confined as the peer's programs are.
  spawn::Exit scratch(const std::function<int()>& work, int cancel_fd) const
  {
    spawn::Options options = confined;
    options.limit = k_scratch_limit;
    options.cancel_fd = cancel_fd;
    options.capture_stderr = true;
    options.capture_stdout = true;
    options.body = work;
    return spawn::run("doctor scratch work", {}, {}, options);
  }
};

// Where the doctor lays packages out for detect: a folder under the TMPDIR of the peer (from
// outside, made as its user inside its root; from inside, the doctor's own, which is the peer's).
// One at a time; each is removed before the next is made, and the last when it goes, even after a
// termination signal, so that an interrupted run leaves nothing.
class Scratch
{
public:
  Scratch(const DoctorInput& input, const Runner& runner, const probe::Cancel& cancel)
    : m_input(input)
    , m_runner(runner)
    , m_cancel(cancel)
  {
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() { remove(); }

  // A package laid out (package: its path, the peer's; empty: a minimal ccaas package). Throws
  // Failure with why this package could not be (it breaks the rules, the budget is spent), and
  // OwnTrouble when the doctor could not do the work at all (refused: could not even start it in
  // the peer's root).
  PackageLayout lay_out(const fs::path& package)
  {
    remove();
    if (!package.empty() && m_budget == 0) {
      throw Failure("the doctor unpacks at most " + std::to_string(k_unpack_budget >> 20)
                    + " MiB of packages in one run, and that is spent");
    }
    const std::string tmpdir = m_runner.tmpdir;
    const std::uint64_t budget = m_budget;
    const spawn::Exit exit =
      m_runner.scratch([&tmpdir, budget, &package] { return scratch_lay_out(tmpdir, budget, package); }, m_cancel.fd);
    const std::string& out = exit.stdout_text;
    const std::size_t newline = out.find('\n');
    if (newline != std::string::npos && newline > 0) {
      m_current = out.substr(0, newline); // made, whatever comes next: removed in any case
    }
    if (exit.setup_refused) {
      refused = true;
      throw OwnTrouble(exit.error);
    }
    if (exit.cancelled) {
      throw OwnTrouble("stopped by a termination signal");
    }
    if (!exit.started || exit.timed_out || exit.code != 0 || m_current.empty()) {
      const std::string why = !exit.started ? exit.error
                              : exit.timed_out
                                ? "it did not finish within " + std::to_string(k_scratch_limit.count() / 1000) + "s"
                                : first_line(exit.stderr_text);
      if (package.empty() || exit.code != 1) {
        throw OwnTrouble(m_input.outside ? "cannot lay out a package in the peer's TMPDIR as its user: " + why : why);
      }
      throw Failure(why);
    }
    try {
      m_budget -= std::min<std::uint64_t>(m_budget, std::stoull(out.substr(newline + 1)));
    } catch (const std::exception&) {
      m_budget = 0;
    }
    return {m_current / "src", m_current / "metadata"};
  }

  bool refused = false;

private:
  void remove()
  {
    if (m_current.empty()) {
      return;
    }
    const fs::path dir = m_current;
    m_runner.scratch([&dir] { return scratch_remove(dir); }, -1);
    m_current.clear();
  }

  const DoctorInput& m_input;
  const Runner& m_runner;
  const probe::Cancel& m_cancel;
  fs::path m_current;
  std::uint64_t m_budget = k_unpack_budget;
};

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
  const Runner runner(input);
  if (!runner.refusal.empty()) {
    findings.cannot_check(k_builders,
                          "detect",
                          "did not run the bin/detect of " + names() + ": " + runner.refusal
                            + "; which builder claims what was judged from the files only, not run",
                          "judge this peer's builders from their files (above), or run the doctor inside the "
                          "peer's container (kubectl exec)");
    return false;
  }
  // own: the doctor's own trouble (no scratch space), said as such; else the confinement the
  // doctor needs was refused, and the builders were judged from their files.
  const auto could_not = [&](const std::string& why, bool setup_refused, bool own = false) {
    findings.cannot_check(
      k_builders,
      "detect",
      "could not run the bin/detect of " + names() + which + (input.outside ? " in the peer's root: " : ": ") + why
        + (own ? ": the doctor's own trouble, not the peer's; which builder claims ccaas packages is not known"
               : ": which builder claims what was judged from the files only, not run"),
      setup_refused   ? "start the debug container with the default capabilities (CAP_SYS_CHROOT, and CAP_SETUID and "
                        "CAP_SETGID for a peer of another user), e.g. kubectl debug --profile=general"
      : input.outside ? "give the peer's TMPDIR room and write access for its user (an emptyDir): the "
                        "peer's own installs need it too"
                      : "run the doctor with TMPDIR set to a writable directory (an emptyDir in a pod "
                        "with readOnlyRootFilesystem)");
    return false;
  };
  bool refused = false;

  // Runs one builder's detect on a laid-out package: whether it claims it, with a finding when
  // the peer would not get an answer either. None once a termination signal arrived, or once
  // running inside the peer's root was refused.
  const auto detect = [&](BuilderInfo& builder, const PackageLayout& dirs, std::string* said) {
    if (cancel.requested() || refused) {
      return false;
    }
    const spawn::Exit exit = runner.detect(builder, dirs, cancel);
    if (exit.cancelled) {
      return false; // killed: the doctor is stopping
    }
    if (exit.setup_refused) {
      refused = true;
      could_not(exit.error, true);
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
    const bool claims = exit.started && !exit.timed_out && exit.code == 0;
    if (!claims && exit.started && !exit.timed_out) {
      *said = last_line(exit.stderr_text);
    }
    return claims;
  };

  std::optional<Scratch> scratch;
  try {
    scratch.emplace(input, runner, cancel);
    const PackageLayout minimal = scratch->lay_out({});
    for (BuilderInfo* builder : asked) {
      builder->claims_ccaas = detect(*builder, minimal, &builder->said_to_minimal);
      builder->detect_ran = !refused;
    }
  } catch (const OwnTrouble& e) {
    if (cancel.requested()) {
      return false;
    }
    const bool setup_refused = scratch && scratch->refused;
    return could_not(e.what(), setup_refused, !setup_refused);
  }
  for (InstalledPackage& package : packages) {
    if (cancel.requested() || refused) {
      return false;
    }
    PackageLayout dirs;
    try {
      // the peer's path, which the scratch work, run in its root, opens as the peer opens it
      dirs = scratch->lay_out(package.file);
    } catch (const OwnTrouble& e) {
      if (cancel.requested()) {
        return false;
      }
      return could_not(e.what(), scratch->refused);
    } catch (const Failure& e) {
      package.not_laid_out = e.what();
      continue;
    }
    for (BuilderInfo* builder : asked) {
      std::string said;
      if (detect(*builder, dirs, &said)) {
        package.claimed_by = builder->name;
        break;
      }
      if (!said.empty()) {
        package.said.push_back(builder->name + ": \"" + said + "\"");
      }
    }
    if (package.claimed_by.empty() && ours_claims(package)) {
      package.claimed_by = our->name;
    }
  }
  return !cancel.requested() && !refused;
}

} // namespace ccaas::steps::doctor_checks
