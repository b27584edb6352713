#pragma once

#include <filesystem>

namespace ccaas::file {

// A private (0700) directory under $TMPDIR, or /tmp when TMPDIR is unset, removed with its
// contents when the object goes. Throws OwnTrouble naming TMPDIR when none can be made.
class TempDir
{
public:
  explicit TempDir(const char* prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

} // namespace ccaas::file
