#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

// The doctor's scratch work: a package laid out for detect as the peer lays it out, in a folder of
// its own under TMPDIR, and that folder removed. The doctor runs these in a child confined as the
// peer's programs are (spawn's body: from outside, chrooted into the peer's root, as its user and
// groups, with no capability it lacks), so that whatever the peer's files hold (links, a TMPDIR
// that is a link, a package that is not what it says, a folder a detect made unreadable) can
// reach nothing the peer itself could not.
namespace ccaas::steps {

inline constexpr const char* k_scratch_prefix = "ccaas-doctor-";

// A fresh folder TMPDIR/ccaas-doctor-XXXXXX holding src/ and metadata/ (0700) as the peer lays
// out a package before detect: package's metadata.json and code.tar.gz, at most budget bytes
// unpacked; without package, a minimal ccaas package. Writes the folder, then the bytes unpacked,
// one a line, to stdout, and returns 0; else one line to stderr, nothing left, and 1.
int scratch_lay_out(const std::string& tmpdir, std::uint64_t budget, const std::filesystem::path& package);

// Removes a folder scratch_lay_out made (its name must be one), whatever a program left in it:
// never following a link, opening up a folder it finds closed. Returns 0, or 1 with a line.
int scratch_remove(const std::filesystem::path& dir);

} // namespace ccaas::steps
