#include "ccaas/util/targz.hpp"

#include "ccaas/util/error.hpp"
#include "ccaas/util/fd.hpp"
#include "ccaas/util/file.hpp"
#include "ccaas/util/linked.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <string_view>

namespace ccaas::file {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t k_block = 512;
constexpr std::uint64_t k_max_captured = 1 << 20; // read_tar_gz_member: a contract file
using Block = std::array<char, k_block>;

class GzReader
{
public:
  GzReader(const fs::path& path, std::string shown, std::uint64_t max_inflated)
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
  ~GzReader() { gzclose(m_file); }
  GzReader(const GzReader&) = delete;
  GzReader& operator=(const GzReader&) = delete;

  // Reads exactly n bytes; false at a clean end of data before any byte.
  bool read(char* data, std::size_t n)
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

private:
  std::string m_shown;
  std::uint64_t m_max_inflated;
  std::uint64_t m_inflated = 0;
  gzFile m_file = nullptr;
};

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

class Extractor
{
public:
  Extractor(const fs::path& archive,
            const fs::path& into,
            const std::vector<std::string>& only,
            const std::string& shown,
            const ExtractLimits& limits,
            std::map<std::string, std::string>* capture = nullptr)
    : m_shown(shown.empty() ? archive.string() : shown)
    , m_into(into)
    , m_only(only)
    , m_limits(limits)
    , m_reader(archive, m_shown, limits.max_inflated)
    , m_capture(capture)
  {
  }

  void run()
  {
    std::string long_name;
    std::string pax_name;
    Block block{};
    std::size_t zero_blocks = 0;
    while (m_reader.read(block.data(), k_block)) {
      if (all_zero(block)) {
        if (++zero_blocks == 2) {
          return;
        }
        continue;
      }
      zero_blocks = 0;
      if (!checksum_ok(block)) {
        fail("", "not a tar archive (bad header checksum)");
      }
      if (++m_entries > m_limits.max_entries) {
        fail("", "more than " + std::to_string(m_limits.max_entries) + " entries");
      }
      std::uint64_t size = 0;
      if (!parse_octal(block, 124, 12, size)) {
        fail("", "not a tar archive (bad size field)");
      }
      const char type = block[156];
      std::string name = field(block, 0, 100);
      if (field(block, 257, 6) == "ustar" && block[262] == '\0') {
        const std::string prefix = field(block, 345, 155);
        if (!prefix.empty()) {
          name = prefix + "/" + name;
        }
      }
      if (type == 'L' || type == 'x' || type == 'g' || type == 'K') {
        const std::string data = read_data(name, size, 1 << 20);
        if (type == 'L') {
          long_name = std::string(data.c_str());
        } else if (type == 'x') {
          pax_name = pax_path(data);
        }
        continue;
      }
      if (!pax_name.empty()) {
        name = pax_name;
      } else if (!long_name.empty()) {
        name = long_name;
      }
      pax_name.clear();
      long_name.clear();
      entry(name, type, size, block);
    }
  }

private:
  [[noreturn]] void fail(const std::string& member, const std::string& cause)
  {
    throw Failure(m_shown + ": " + (member.empty() ? "" : "member '" + member + "': ") + cause);
  }

  std::string read_data(const std::string& member, std::uint64_t size, std::uint64_t limit)
  {
    if (size > limit) {
      fail(member, "header of " + std::to_string(size) + " bytes is too large");
    }
    std::string data(static_cast<std::size_t>(size), '\0');
    if (size > 0 && !m_reader.read(data.data(), data.size())) {
      fail(member, "the archive ends inside it");
    }
    skip_padding(size);
    return data;
  }

  void skip_padding(std::uint64_t size)
  {
    const std::size_t pad = static_cast<std::size_t>((k_block - size % k_block) % k_block);
    char buffer[k_block];
    if (pad > 0 && !m_reader.read(buffer, pad)) {
      fail("", "the archive ends inside a member");
    }
  }

  // The member's path below into, or empty to skip it.
  fs::path target_of(const std::string& name)
  {
    if (name.empty()) {
      fail(name, "has an empty name");
    }
    if (name.front() == '/') {
      fail(name, "has an absolute name: a package's paths are relative");
    }
    fs::path relative;
    std::string_view rest = name;
    while (!rest.empty()) {
      const std::size_t slash = rest.find('/');
      const std::string_view part = rest.substr(0, slash);
      if (part == "..") {
        fail(name, "has '..' in its name: it would land outside the package");
      }
      if (!part.empty() && part != ".") {
        relative /= std::string(part);
      }
      if (slash == std::string_view::npos) {
        break;
      }
      rest.remove_prefix(slash + 1);
    }
    if (relative.empty()) {
      return {};
    }
    if (!m_only.empty() && std::find(m_only.begin(), m_only.end(), relative.begin()->string()) == m_only.end()) {
      return {};
    }
    return m_into / relative;
  }

  void entry(const std::string& name, char type, std::uint64_t size, const Block& header)
  {
    if (type != '0' && type != '\0' && type != '5' && type != '7') {
      fail(name, std::string("is ") + kind_of(type) + ": a chaincode package holds only regular files and directories");
    }
    const fs::path target = target_of(name);
    // Every member's size counts, a directory's and a skipped one's too: each is inflated.
    if (size > m_limits.max_member) {
      fail(name, "is " + std::to_string(size) + " bytes; the limit is " + std::to_string(m_limits.max_member));
    }
    m_total += size;
    if (m_total > m_limits.max_total) {
      fail(name, "the package holds more than " + std::to_string(m_limits.max_total) + " bytes");
    }
    if (type == '5') {
      if (!target.empty() && m_capture == nullptr) {
        make_dirs(target, 0755);
      }
      skip_data(size);
      return;
    }
    if (target.empty()) {
      skip_data(size);
      return;
    }
    if (m_capture != nullptr) {
      (*m_capture)[target.string()] = read_data(name, size, k_max_captured);
      return;
    }
    make_dirs(target.parent_path(), 0755);
    std::uint64_t mode = 0644;
    parse_octal(header, 100, 8, mode);
    UniqueFd out(::open(target.c_str(),
                        O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
                        static_cast<mode_t>((mode & 0755) | 0600)));
    if (out.get() < 0) {
      fail(name, std::string("cannot create it: ") + std::strerror(errno));
    }
    copy_data(name, size, out.get());
  }

  void copy_data(const std::string& name, std::uint64_t size, int fd)
  {
    std::vector<char>& buffer = m_buffer;
    std::uint64_t left = size;
    while (left > 0) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, buffer.size()));
      if (!m_reader.read(buffer.data(), n)) {
        fail(name, "the archive ends inside it");
      }
      if (fd >= 0) {
        if (const int err = write_fully(fd, std::string_view(buffer.data(), n)); err != 0) {
          fail(name, std::string("cannot write it: ") + std::strerror(err));
        }
      }
      left -= n;
    }
    skip_padding(size);
  }

  void skip_data(std::uint64_t size) { copy_data("", size, -1); }

  std::string m_shown;
  fs::path m_into;
  const std::vector<std::string>& m_only;
  ExtractLimits m_limits;
  GzReader m_reader;
  std::size_t m_entries = 0;
  std::uint64_t m_total = 0;
  std::vector<char> m_buffer = std::vector<char>(64 * 1024); // one for every member
  std::map<std::string, std::string>* m_capture;             // members read into memory, not written
};

} // namespace

std::string read_tar_gz_member(const fs::path& archive, const std::string& member, const std::string& shown)
{
  std::map<std::string, std::string> captured;
  const std::vector<std::string> only{member};
  Extractor(archive, {}, only, shown, {}, &captured).run();
  const auto found = captured.find(member);
  if (found == captured.end()) {
    throw Failure((shown.empty() ? archive.string() : shown) + ": has no " + member);
  }
  return found->second;
}

void extract_tar_gz(const fs::path& archive,
                    const fs::path& into,
                    const std::vector<std::string>& only,
                    const std::string& shown,
                    const ExtractLimits& limits)
{
  try {
    Extractor(archive, into, only, shown, limits).run();
  } catch (...) {
    // Leave nothing half-extracted behind: into holds only what this call wrote.
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(into, ec)) {
      remove_tree(entry.path());
    }
    throw;
  }
}

LinkedLibrary zlib_library()
{
  return {"zlib", zlibVersion(), "zlibVersion"};
}

} // namespace ccaas::file
