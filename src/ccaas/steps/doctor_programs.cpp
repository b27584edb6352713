#include "ccaas/steps/doctor_checks.hpp"

#include "ccaas/util/error.hpp"
#include "ccaas/util/file.hpp"
#include "ccaas/util/program_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include <sstream>

// A builder's programs judged from their files, as the kernel will judge them when the peer runs
// them: the causes operators report behind a detect that "fails" (the peer logs only "builder 'X'
// detect failed: fork/exec ...: no such file or directory" at DEBUG, then falls back to Docker).
namespace ccaas::steps::doctor_checks {

namespace {

// Whether the peer's user may execute a file of this mode: root when any x bit is set, else the
// owner's, group's (its group or one of its supplementary groups, such as a pod's fsGroup) or
// others' bit.
bool executable_by(const struct stat& st, uid_t uid, gid_t gid, const std::vector<gid_t>& groups)
{
  if (uid == 0) {
    return (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) != 0;
  }
  if (st.st_uid == uid) {
    return (st.st_mode & S_IXUSR) != 0;
  }
  if (st.st_gid == gid || std::find(groups.begin(), groups.end(), st.st_gid) != groups.end()) {
    return (st.st_mode & S_IXGRP) != 0;
  }
  return (st.st_mode & S_IXOTH) != 0;
}

std::string octal_mode(mode_t mode)
{
  std::ostringstream out;
  out << '0' << std::oct << (mode & 07777);
  return out.str();
}

// A name looked up on the PATH the peer passes its builders, inside the peer's root.
bool on_path(const DoctorInput& input, const std::string& name, std::string& path_value)
{
  const auto path = input.peer.environ.find("PATH");
  path_value = path == input.peer.environ.end() ? std::string() : path->second;
  std::istringstream dirs(path_value);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    struct stat st = {};
    if (!dir.empty() && input.peer.root.open(fs::path(dir) / name).stat(st) && S_ISREG(st.st_mode)) {
      return true;
    }
  }
  return false;
}

std::string in_image(const DoctorInput& input)
{
  return input.outside ? "the peer's image" : "this image";
}

} // namespace

std::string program_problem(const DoctorInput& input, const fs::path& program)
{
  const file::RootView& root = input.peer.root;
  const file::InRoot here = root.open(program);
  struct stat st = {};
  if (!here.stat(st)) {
    return program.string() + " is not there";
  }
  if (!S_ISREG(st.st_mode)) {
    return program.string() + " is not a regular file";
  }
  if (!executable_by(st, input.peer.uid, input.peer.gid, input.peer.groups)) {
    return program.string() + " is not executable (mode " + octal_mode(st.st_mode) + ", owner uid "
           + std::to_string(st.st_uid) + "; the peer runs as uid " + std::to_string(input.peer.uid)
           + "): the peer gets \"permission denied\"";
  }
  if (const auto mount = program::mount_of(input.peer.mountinfo, root.resolved(program));
      mount && mount->has("noexec")) {
    return program.string() + " is on a file system mounted noexec (" + mount->point + ", " + mount->fstype + " "
           + mount->source + "): mode " + octal_mode(st.st_mode)
           + " and still \"permission denied\" when the peer runs it";
  }
  const auto file = program::inspect_program(root.open(program, O_RDONLY | O_NONBLOCK).path());
  if (!file) {
    return {}; // unreadable to this process: the run says what it can
  }
  if (file->format == program::Format::script) {
    if (file->carriage_return) {
      return program.string() + "'s #! line ends in a carriage return (CRLF line endings, \"#!"
             + program::visible(file->interpreter + (file->argument.empty() ? "" : " " + file->argument))
             + "\"): the kernel looks for that name, so the peer gets \"no such file or directory\" for a file "
               "that exists";
    }
    if (file->interpreter.empty()) {
      return program.string() + " has an empty #! line: the peer gets \"exec format error\"";
    }
    struct stat interpreter = {};
    if (!root.open(file->interpreter).stat(interpreter)) {
      return program.string() + "'s interpreter " + file->interpreter + " is not in " + in_image(input)
             + ": the peer gets \"no such file or directory\" for a file that exists";
    }
    const bool env = fs::path(file->interpreter).filename() == "env";
    std::string path_value;
    if (env && !file->argument.empty() && file->argument.find('/') == std::string::npos
        && file->argument.rfind('-', 0) != 0 && !on_path(input, file->argument, path_value)) {
      return program.string() + " runs \"#!" + file->interpreter + " " + file->argument + "\", and " + file->argument
             + " is not on the PATH the peer passes it (" + (path_value.empty() ? "no PATH" : path_value) + ") in "
             + in_image(input) + ": it exits 127";
    }
    return {};
  }
  if (file->format == program::Format::elf) {
    const std::uint16_t native = program::native_machine();
    if (native != 0 && file->machine != native) {
      return program.string() + " is a program for " + program::machine_name(file->machine) + ", and the peer runs on "
             + program::machine_name(native) + ": the peer gets \"exec format error\"";
    }
    if (!file->loader.empty()) {
      struct stat loader = {};
      if (!root.open(file->loader).stat(loader)) {
        return program.string() + "'s dynamic loader " + file->loader + " is not in " + in_image(input)
               + " (a program linked for another C library, such as glibc's in an Alpine image): the peer gets "
                 "\"no such file or directory\" for a file that exists";
      }
    }
    return {};
  }
  return program.string() + " is neither a #! script nor an ELF program: the peer gets \"exec format error\"";
}

bool is_ccaas_builder(const DoctorInput& input, const fs::path& builder_dir)
{
  // Every ccaas-builder's run carries its own usage line; no other program does. Read a block at
  // a time, the line's length kept from one block to the next, and at most as much as a
  // ccaas-builder's run can be: a larger file is not one, and is not read whole.
  constexpr std::string_view k_mark = "usage: run --doctor [--config DIR]";
  constexpr std::size_t k_most = 32 * 1024 * 1024;
  const file::InRoot run = input.peer.root.open(builder_dir / "bin" / "run", O_RDONLY | O_NONBLOCK);
  struct stat st = {};
  if (!run.stat(st) || !S_ISREG(st.st_mode) || static_cast<std::uint64_t>(st.st_size) > k_most) {
    return false;
  }
  std::string window;
  std::vector<char> block(256 * 1024);
  for (std::size_t total = 0; total < k_most;) {
    const ssize_t n = ::read(run.fd(), block.data(), block.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    total += static_cast<std::size_t>(n);
    window.append(block.data(), static_cast<std::size_t>(n));
    if (window.find(k_mark) != std::string::npos) {
      return true;
    }
    window.erase(0, window.size() - std::min(window.size(), k_mark.size() - 1));
  }
  return false;
}

} // namespace ccaas::steps::doctor_checks
