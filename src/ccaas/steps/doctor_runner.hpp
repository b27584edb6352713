#pragma once

#include "ccaas/steps/doctor_checks.hpp"
#include "ccaas/steps/package_layout.hpp"
#include "ccaas/util/spawn.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

// How the doctor runs what it runs for a peer: a builder's bin/detect, and its own scratch work.
namespace ccaas::steps::doctor_checks {

// The peer waits for detect without a limit; the doctor does not.
inline constexpr std::chrono::milliseconds k_detect_limit{10'000};
// Bytes the doctor unpacks in one run, over all packages: more is named, not judged.
inline constexpr std::uint64_t k_unpack_budget = 256ULL << 20;

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

  explicit Runner(const DoctorInput& in);
  spawn::Exit detect(const BuilderInfo& builder, const PackageLayout& dirs, const probe::Cancel& cancel) const;
  // The doctor's scratch work (doctor_scratch.hpp), run confined as the peer's programs are.
  spawn::Exit scratch(const std::function<int()>& work, int cancel_fd) const;
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
  PackageLayout lay_out(const fs::path& package);

  bool refused = false;

private:
  void remove();

  const DoctorInput& m_input;
  const Runner& m_runner;
  const probe::Cancel& m_cancel;
  fs::path m_current;
  std::uint64_t m_budget = k_unpack_budget;
};

// A program's words, for a finding: its first or its last line on stderr (a shell names the
// failing command in the last), printable, at most 300 characters.
std::string first_line(const std::string& text);
std::string last_line(const std::string& text);

} // namespace ccaas::steps::doctor_checks
