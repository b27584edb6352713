#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ccaas::file {

struct ExtractLimits {
  std::uint64_t max_member = 64ull << 20;    // bytes in one file
  std::uint64_t max_total = 256ull << 20;    // bytes in all members, directories and skipped ones included
  std::uint64_t max_inflated = 320ull << 20; // bytes inflated from the gzip stream, headers included
  std::size_t max_entries = 100'000;
};

// Extracts a .tar.gz the way the peer's own untar does (core/container/externalbuilder/tar.go):
// gzip only (plain data is refused, as by the peer), directories and regular files only. A symlink, hard link, device
// or FIFO, an absolute name, a name with "..", a member over the limits, a stream that inflates past them (a gzip bomb)
// or ends early fails the whole extraction with one line naming the archive and the member, and what was extracted is
// removed. When only is not empty, just those top-level names are extracted (the others are skipped, as the peer skips
// them). Reads the archive itself (zlib and the tar format): no tar program is needed. Messages name the archive as
// shown (an inner archive: "pkg.tar.gz: code.tar.gz"), or its path.
void extract_tar_gz(const std::filesystem::path& archive,
                    const std::filesystem::path& into,
                    const std::vector<std::string>& only = {},
                    const std::string& shown = {},
                    const ExtractLimits& limits = {});

// Reads one top-level regular file of an archive into memory (at most 1 MiB), under the same rules
// as extract_tar_gz, writing nothing: what the doctor needs of an installed package without
// scratch space. Throws Failure when the archive breaks a rule or has no such member.
std::string read_tar_gz_member(const std::filesystem::path& archive,
                               const std::string& member,
                               const std::string& shown = {});

} // namespace ccaas::file
