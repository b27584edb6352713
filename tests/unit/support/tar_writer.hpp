#pragma once

#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

namespace test_support {

// A ustar archive built in memory, member by member, for the tar reader's tests.
class TarWriter
{
public:
  TarWriter& add(const std::string& name, char type, const std::string& data, std::size_t declared_size = npos)
  {
    char header[512] = {};
    std::snprintf(header, 100, "%s", name.c_str());
    std::snprintf(header + 100, 8, "%07o", 0644);
    std::snprintf(header + 108, 8, "%07o", 0);
    std::snprintf(header + 116, 8, "%07o", 0);
    const std::size_t size = declared_size == npos ? data.size() : declared_size;
    std::snprintf(header + 124, 12, "%011zo", size);
    std::snprintf(header + 136, 12, "%011o", 0);
    header[156] = type;
    std::memcpy(header + 257, "ustar", 6);
    std::memcpy(header + 263, "00", 2);
    std::memset(header + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : header) {
      sum += c;
    }
    std::snprintf(header + 148, 8, "%06o", sum);
    m_bytes.append(header, sizeof header);
    m_bytes += data;
    m_bytes.append((512 - data.size() % 512) % 512, '\0');
    return *this;
  }
  TarWriter& file(const std::string& name, const std::string& data) { return add(name, '0', data); }
  TarWriter& dir(const std::string& name) { return add(name, '5', ""); }

  std::string tar() const { return m_bytes + std::string(1024, '\0'); }

  // Writes the archive gzipped to path.
  void write_gz(const std::filesystem::path& path) const { write_gz(path, tar()); }

  static void write_gz(const std::filesystem::path& path, const std::string& bytes)
  {
    gzFile out = gzopen(path.c_str(), "wb9");
    gzwrite(out, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(out);
  }

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

private:
  std::string m_bytes;
};

} // namespace test_support
