#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ccaas::file {

// Extracts a .tar.gz with the system tar (GNU or busybox), as a child process: only for
// `run --check`, which reads package files; the peer itself hands the steps unpacked directories.
// Members are extracted without their owners and with the umask's permissions. Throws Failure
// when tar is missing or fails.
void extract_tar_gz(const std::filesystem::path& archive,
                    const std::filesystem::path& into,
                    const std::vector<std::string>& members = {});

} // namespace ccaas::file
