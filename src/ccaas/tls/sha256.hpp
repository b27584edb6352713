#pragma once

#include <filesystem>
#include <string>

namespace ccaas::tls {

// The lowercase hex SHA-256 of a file's bytes: the hash part of a chaincode package ID.
std::string sha256_file_hex(const std::filesystem::path& path);

} // namespace ccaas::tls
