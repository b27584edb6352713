#include "ccaas/util/temp_dir.hpp"

#include "ccaas/util/error.hpp"
#include "ccaas/util/file.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace ccaas::file {

TempDir::TempDir(const char* prefix)
{
  const char* tmpdir = std::getenv("TMPDIR");
  const std::string base = (tmpdir != nullptr && *tmpdir != '\0') ? tmpdir : "/tmp";
  std::string pattern = base + "/" + prefix + "XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw OwnTrouble(base + ": cannot create a temporary directory: " + std::strerror(errno)
                     + " (set TMPDIR to a writable directory)");
  }
  m_path = pattern;
}

TempDir::~TempDir()
{
  remove_tree(m_path);
}

} // namespace ccaas::file
