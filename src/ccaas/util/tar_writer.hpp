#pragma once

#include <string>
#include <string_view>
#include <vector>

// Archives whose bytes depend only on their contents: what makes a chaincode package's ID (the
// SHA-256 of the file) the same for everyone who packages the same inputs. tar and gzip write
// times, owners, names, modes and the order files were found into their bytes; these write none
// of that.
namespace ccaas::file {

struct TarEntry {
  std::string name; // a relative path, '/'-separated
  std::string data;
};

// A POSIX ustar archive of regular files, in the order given: mode 0644, uid and gid 0, no user
// or group names, mtime 0, then the two zero blocks that end it. A name too long for ustar's
// name and prefix fields throws Failure.
std::string reproducible_tar(const std::vector<TarEntry>& entries);

// gzip (RFC 1952) of data, compressed by this program's zlib at level 9: no file name, no
// comment, modification time 0, OS byte 255 (unknown), whatever the machine.
std::string reproducible_gzip(std::string_view data);

} // namespace ccaas::file
