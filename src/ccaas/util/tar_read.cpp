#include "ccaas/util/tar_read.hpp"

#include "ccaas/util/error.hpp"
#include "ccaas/util/fd.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ccaas::file::tar {

namespace fs = std::filesystem;

GzReader::GzReader(const fs::path& path, std::string shown, std::uint64_t max_inflated)
  : m_shown(std::move(shown))
  , m_max_inflated(max_inflated)
{
  // zlib reads plain data through unchanged; the peer refuses it, and so do we.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  unsigned char magic[2] = {};
  if (fd.get() < 0) {
    throw Failure(m_shown + ": cannot open: " + std::strerror(errno));
  }
  if (::read(fd.get(), magic, sizeof magic) != 2 || magic[0] != 0x1f || magic[1] != 0x8b) {
    throw Failure(m_shown + ": not gzip data: a chaincode package and its code.tar.gz are .tar.gz files");
  }
  m_file = gzopen(path.c_str(), "rb");
  if (m_file == nullptr) {
    throw Failure(m_shown + ": cannot open: " + std::strerror(errno));
  }
}

GzReader::~GzReader()
{
  gzclose(m_file);
}

bool GzReader::read(char* data, std::size_t n)
{
  std::size_t done = 0;
  while (done < n) {
    const int got = gzread(m_file, data + done, static_cast<unsigned>(std::min<std::size_t>(n - done, 1 << 20)));
    if (got < 0) {
      int code = 0;
      throw Failure(m_shown + ": not a readable .tar.gz (" + gzerror(m_file, &code) + ")");
    }
    if (got == 0) {
      if (done == 0) {
        return false;
      }
      throw Failure(m_shown + ": not a readable .tar.gz (it ends inside a member)");
    }
    done += static_cast<std::size_t>(got);
    m_inflated += static_cast<std::uint64_t>(got);
    if (m_inflated > m_max_inflated) {
      throw Failure(m_shown + ": inflates to more than " + std::to_string(m_max_inflated)
                    + " bytes: not a chaincode package (a gzip bomb?)");
    }
  }
  return true;
}

std::string field(const Block& block, std::size_t offset, std::size_t length)
{
  const char* begin = block.data() + offset;
  const char* end = std::find(begin, begin + length, '\0');
  return std::string(begin, end);
}

bool parse_octal(const Block& block, std::size_t offset, std::size_t length, std::uint64_t& out)
{
  const unsigned char first = static_cast<unsigned char>(block[offset]);
  out = 0;
  if ((first & 0x80) != 0) { // GNU base-256 for large sizes
    for (std::size_t i = 1; i < length; ++i) {
      if (out > (UINT64_MAX >> 8)) {
        return false;
      }
      out = (out << 8) | static_cast<unsigned char>(block[offset + i]);
    }
    return true;
  }
  bool any = false;
  for (std::size_t i = 0; i < length; ++i) {
    const char c = block[offset + i];
    if (c == ' ' || c == '\0') {
      if (any) {
        break;
      }
      continue;
    }
    if (c < '0' || c > '7' || out > (UINT64_MAX >> 3)) {
      return false;
    }
    out = out * 8 + static_cast<std::uint64_t>(c - '0');
    any = true;
  }
  return true;
}

bool checksum_ok(const Block& block)
{
  std::uint64_t stored = 0;
  if (!parse_octal(block, 148, 8, stored)) {
    return false;
  }
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < k_block; ++i) {
    sum += (i >= 148 && i < 156) ? static_cast<unsigned char>(' ') : static_cast<unsigned char>(block[i]);
  }
  return sum == stored;
}

bool all_zero(const Block& block)
{
  return std::all_of(block.begin(), block.end(), [](char c) { return c == 0; });
}

// "path" from a pax extended header's records: "<len> <key>=<value>\n"...
std::string pax_path(std::string_view records)
{
  std::string path;
  while (!records.empty()) {
    const std::size_t space = records.find(' ');
    if (space == std::string_view::npos) {
      break;
    }
    std::size_t length = 0;
    for (char c : records.substr(0, space)) {
      if (c < '0' || c > '9') {
        return path;
      }
      length = length * 10 + static_cast<std::size_t>(c - '0');
    }
    if (length <= space + 1 || length > records.size()) {
      break;
    }
    const std::string_view record = records.substr(space + 1, length - space - 2);
    if (record.substr(0, 5) == "path=") {
      path = std::string(record.substr(5));
    }
    records.remove_prefix(length);
  }
  return path;
}

const char* kind_of(char type)
{
  switch (type) {
    case '1':
      return "a hard link";
    case '2':
      return "a symlink";
    case '3':
    case '4':
      return "a device";
    case '6':
      return "a FIFO";
    default:
      return "not a regular file or directory";
  }
}

} // namespace ccaas::file::tar
