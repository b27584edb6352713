#include "ccaas/util/targz.hpp"

#include "ccaas/util/error.hpp"
#include "ccaas/util/fd.hpp"
#include "ccaas/util/file.hpp"
#include "ccaas/util/linked.hpp"
#include "ccaas/util/tar_read.hpp"

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

using namespace tar;

constexpr std::uint64_t k_max_captured = 1 << 20; // read_tar_gz_member: a contract file

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
