#pragma once

#include <zlib.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

// The tar format as the peer's reader meets it (archive/tar in Go): 512-byte header blocks, their
// octal and base-256 numbers, checksums, pax path records; and a gzip stream read with a bound on
// what it inflates to. The extractor (targz.cpp) decides what is allowed.
namespace ccaas::file::tar {

inline constexpr std::size_t k_block = 512;
using Block = std::array<char, k_block>;

// A .tar.gz read block by block; refuses data that is not gzip (zlib would pass it through), and
// more than max_inflated bytes once inflated. Messages name the archive as shown.
class GzReader
{
public:
  GzReader(const std::filesystem::path& path, std::string shown, std::uint64_t max_inflated);
  ~GzReader();
  GzReader(const GzReader&) = delete;
  GzReader& operator=(const GzReader&) = delete;

  // Reads exactly n bytes; false at a clean end of data before any byte.
  bool read(char* data, std::size_t n);

private:
  std::string m_shown;
  std::uint64_t m_max_inflated;
  std::uint64_t m_inflated = 0;
  gzFile m_file = nullptr;
};

// A NUL-terminated text field of a header block.
std::string field(const Block& block, std::size_t offset, std::size_t length);
// A number field: octal digits (blank- or NUL-padded), or GNU base-256; false when malformed.
bool parse_octal(const Block& block, std::size_t offset, std::size_t length, std::uint64_t& out);
bool checksum_ok(const Block& block);
bool all_zero(const Block& block);
// "path" from a pax extended header's records: "<len> <key>=<value>\n"...
std::string pax_path(std::string_view records);
// What a member of this type flag is, for a refusal: "a symlink", "a device", ...
const char* kind_of(char type);

} // namespace ccaas::file::tar
