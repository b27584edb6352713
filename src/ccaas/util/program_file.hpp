#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// What the kernel's execve will make of a program file, read from its first bytes, so that a
// builder that cannot start is named by its cause rather than by "no such file or directory":
// a script's #! line (its interpreter, a carriage return left by an editor on Windows), an ELF
// program's machine (e_machine) and dynamic loader (PT_INTERP); and the mount it lies on
// (/proc/PID/mountinfo), for a file system mounted noexec.
namespace ccaas::program {

enum class Format { script, elf, other };

struct ProgramFile {
  Format format = Format::other;
  // script: the #! line's interpreter and its one argument, as the kernel splits them
  // (binfmt_script: blanks after #!, the path up to a blank, the rest is one argument)
  std::string interpreter;
  std::string argument;
  bool carriage_return = false; // the #! line ends in "\r\n": the interpreter's name ends in '\r'
  // elf
  std::uint16_t machine = 0; // e_machine
  std::string loader;        // PT_INTERP, empty for a static program
};

// Reads the head of a program from its bytes (the first 4 KiB and the program headers).
ProgramFile parse_program(std::string_view head, std::string_view whole_for_elf);

// Reads the file at path (this process's path to it). nullopt when it cannot be read.
std::optional<ProgramFile> inspect_program(const std::filesystem::path& path);

// "x86-64", "AArch64", ... or "machine N"; and the machine this kernel runs (uname).
std::string machine_name(std::uint16_t machine);
std::uint16_t native_machine();

// A file with a '\r' visible: "/bin/sh\r" as "/bin/sh\\r".
std::string visible(std::string_view text);

struct Mount {
  std::string point;                // as the process names it
  std::string source;               // the device or volume
  std::string fstype;               // ext4, tmpfs, overlay
  std::vector<std::string> options; // the mount's own (per-mount) options: ro, noexec, nosuid
  bool has(std::string_view option) const;
};

// The mount a path lies on, from a mountinfo text (proc(5)): the last mounted of those whose
// point is the longest prefix of path (every link in path already resolved).
std::optional<Mount> mount_of(const std::string& mountinfo, const std::filesystem::path& path);

} // namespace ccaas::program
