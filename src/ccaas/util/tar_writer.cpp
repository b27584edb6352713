#include "ccaas/util/tar_writer.hpp"

#include "ccaas/util/error.hpp"

#include <zlib.h>

#include <array>
#include <cstdio>
#include <cstring>

namespace ccaas::file {

namespace {

constexpr std::size_t k_block = 512;
constexpr std::size_t k_name = 100;
constexpr std::size_t k_prefix = 155;

// A number as ustar writes it: octal digits, zero-padded, then NUL.
void octal(char* field, std::size_t width, unsigned long long value)
{
  std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1), value);
}

// name, or prefix + '/' + name when it is longer than the name field, split at a '/'.
void put_name(std::array<char, k_block>& header, const std::string& path)
{
  if (path.size() <= k_name) {
    std::memcpy(header.data(), path.data(), path.size());
    return;
  }
  for (std::size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    if (slash <= k_prefix && path.size() - slash - 1 <= k_name && path.size() - slash - 1 > 0) {
      std::memcpy(header.data() + 345, path.data(), slash);
      std::memcpy(header.data(), path.data() + slash + 1, path.size() - slash - 1);
      return;
    }
  }
  throw Failure(path
                + ": the path is too long for a ustar archive (at most 100 characters after a '/' of the first "
                  "155)");
}

} // namespace

std::string reproducible_tar(const std::vector<TarEntry>& entries)
{
  std::string out;
  for (const TarEntry& entry : entries) {
    std::array<char, k_block> header{};
    put_name(header, entry.name);
    octal(header.data() + 100, 8, 0644);               // mode
    octal(header.data() + 108, 8, 0);                  // uid
    octal(header.data() + 116, 8, 0);                  // gid
    octal(header.data() + 124, 12, entry.data.size()); // size
    octal(header.data() + 136, 12, 0);                 // mtime
    header[156] = '0';                                 // a regular file
    std::memcpy(header.data() + 257, "ustar", 6);      // magic, NUL-terminated
    std::memcpy(header.data() + 263, "00", 2);         // version
    // The checksum: the header's bytes summed with its own field as blanks.
    std::memset(header.data() + 148, ' ', 8);
    unsigned sum = 0;
    for (const char c : header) {
      sum += static_cast<unsigned char>(c);
    }
    std::snprintf(header.data() + 148, 8, "%06o", sum);
    header[155] = ' ';
    out.append(header.data(), header.size());
    out += entry.data;
    out.append((k_block - entry.data.size() % k_block) % k_block, '\0');
  }
  out.append(2 * k_block, '\0');
  return out;
}

std::string reproducible_gzip(std::string_view data)
{
  z_stream stream{};
  // 15 + 16: a gzip wrapper; memLevel 8 and the default strategy, zlib's own defaults.
  if (deflateInit2(&stream, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw OwnTrouble("zlib: cannot start a compression");
  }
  gz_header header{};
  header.time = 0;
  header.os = 255;
  deflateSetHeader(&stream, &header);
  std::string out(deflateBound(&stream, data.size()) + 64, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&stream, Z_FINISH);
  const std::size_t written = out.size() - stream.avail_out;
  deflateEnd(&stream);
  if (rc != Z_STREAM_END) {
    throw OwnTrouble("zlib: the compression did not finish");
  }
  out.resize(written);
  return out;
}

} // namespace ccaas::file
