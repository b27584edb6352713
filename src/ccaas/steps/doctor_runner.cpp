#include "ccaas/steps/doctor_runner.hpp"

#include "ccaas/steps/doctor_scratch.hpp"
#include "ccaas/util/error.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>

namespace ccaas::steps::doctor_checks {

namespace {

// appendDefaultPropagateEnvironment: what every builder gets besides its propagateEnvironment.
constexpr const char* k_default_propagated[] = {"LD_LIBRARY_PATH", "LIBPATH", "PATH", "TMPDIR"};

// The doctor's scratch work in the peer's root (doctor_scratch.hpp): a few files, bounded.
constexpr std::chrono::milliseconds k_scratch_limit{30'000};
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

std::string hex(std::uint64_t mask)
{
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(mask));
  return text;
}

} // namespace

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

Runner::Runner(const DoctorInput& in)
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

spawn::Exit Runner::detect(const BuilderInfo& builder, const PackageLayout& dirs, const probe::Cancel& cancel) const
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
spawn::Exit Runner::scratch(const std::function<int()>& work, int cancel_fd) const
{
  spawn::Options options = confined;
  options.limit = k_scratch_limit;
  options.cancel_fd = cancel_fd;
  options.capture_stderr = true;
  options.capture_stdout = true;
  options.body = work;
  return spawn::run("doctor scratch work", {}, {}, options);
}
PackageLayout Scratch::lay_out(const fs::path& package)
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

void Scratch::remove()
{
  if (m_current.empty()) {
    return;
  }
  const fs::path dir = m_current;
  m_runner.scratch([&dir] { return scratch_remove(dir); }, -1);
  m_current.clear();
}

} // namespace ccaas::steps::doctor_checks
