#include "ccaas/steps/package.hpp"

#include "ccaas/contract/connection.hpp"
#include "ccaas/contract/metadata.hpp"
#include "ccaas/contract/package_id.hpp"
#include "ccaas/steps/connection_file.hpp"
#include "ccaas/tls/sha256.hpp"
#include "ccaas/util/error.hpp"
#include "ccaas/util/file.hpp"
#include "ccaas/util/tar_writer.hpp"

#include <sys/stat.h>

#include <algorithm>

namespace ccaas::steps {

namespace fs = std::filesystem;

namespace {

// The files under an index folder, regular files only, by their path in the package.
void read_indexes(const fs::path& dir,
                  const std::string& prefix,
                  std::vector<std::pair<std::string, std::string>>& files)
{
  const fs::path top = dir / prefix;
  struct stat st = {};
  if (::lstat(top.c_str(), &st) != 0) {
    return; // no indexes: fine
  }
  if (!S_ISDIR(st.st_mode)) {
    throw Failure(top.string() + ": not a directory: " + prefix + "/ holds the CouchDB indexes (" + prefix
                  + "/statedb/couchdb/indexes/*.json)");
  }
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(top, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const fs::path& path = it->path();
    if (::lstat(path.c_str(), &st) != 0) {
      throw Failure(path.string() + ": cannot be read");
    }
    if (S_ISDIR(st.st_mode)) {
      continue;
    }
    if (!S_ISREG(st.st_mode)) {
      throw Failure(path.string() + ": not a regular file (" + (S_ISLNK(st.st_mode) ? "a symlink" : "a special file")
                    + "): a package holds regular files only, and the peer refuses anything else");
    }
    files.emplace_back(fs::relative(path, dir).generic_string(), file::read_regular_file(path));
  }
  if (ec) {
    throw Failure(top.string() + ": cannot be read: " + ec.message());
  }
}

// metadata.json as the package needs it; the label is [[:alnum:]][[:alnum:]_.+-]*, so it needs
// no escaping.
std::string metadata_json(const std::string& type, const std::string& label)
{
  return R"({"type":")" + type + R"(","label":")" + label + R"("})";
}

} // namespace

std::string package_bytes(const std::string& type,
                          const std::string& label,
                          std::vector<std::pair<std::string, std::string>> files)
{
  std::sort(files.begin(), files.end()); // bytewise, whatever order the file system gave
  std::vector<file::TarEntry> code;
  code.reserve(files.size());
  for (auto& [name, data] : files) {
    code.push_back({name, std::move(data)});
  }
  const std::string code_tar_gz = file::reproducible_gzip(file::reproducible_tar(code));
  // The outer archive in the order `peer lifecycle chaincode package` writes it.
  return file::reproducible_gzip(
    file::reproducible_tar({{"metadata.json", metadata_json(type, label)}, {"code.tar.gz", code_tar_gz}}));
}

PackageResult make_package(const PackageInput& input, Context& context)
{
  if (!contract::is_valid_label(input.label)) {
    throw Failure("--label " + input.label
                  + ": not a label the peer accepts (^[[:alnum:]][[:alnum:]_.+-]*$: a letter or digit, then letters, "
                    "digits, _ . + -)");
  }
  struct stat st = {};
  if (::stat(input.dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    throw Failure(input.dir.string() + ": not a directory: DIR holds connection.json and, optionally, the indexes");
  }

  // connection.json: the checks build makes, on the file as written or rendered once.
  const fs::path connection_path = input.dir / contract::k_connection_file;
  if (!file::exists_nofollow(connection_path)) {
    throw Failure(connection_path.string() + " not found: a " + input.type
                  + " package carries connection.json at the root of code.tar.gz");
  }
  const std::string connection_text = file::read_regular_file(connection_path);
  json::Json doc = json::parse_object(connection_text, connection_path.string());
  const bool templated = config::has_template_action(connection_text);
  bool holds_key = false;
  if (templated && !input.template_data.is_set()) {
    context.reporter.info(connection_path.string()
                          + ": has templates ({{.key}}): packaged as written, rendered by each peer's build; set "
                            "CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG to one peer's values to check a rendering here");
    holds_key = connection_text.find("PRIVATE KEY") != std::string::npos;
  } else {
    contract::Diagnostics diags;
    if (templated) {
      contract::render_connection(doc, input.template_data, connection_path.string(), diags);
      report(diags, context.reporter);
    }
    const auto connection = contract::validate_connection(std::move(doc), connection_path.string(), context.now, diags);
    report(diags, context.reporter);
    holds_key = connection->holds_private_key() || connection_text.find("PRIVATE KEY") != std::string::npos;
  }

  std::vector<std::pair<std::string, std::string>> files{{contract::k_connection_file, connection_text}};
  const bool external = contract::is_external_type(input.type);
  read_indexes(input.dir, external ? contract::k_external_index_dir : contract::k_meta_inf_dir, files);

  PackageResult result;
  for (const auto& [name, data] : files) {
    result.files.push_back(name);
  }
  std::sort(result.files.begin(), result.files.end());
  const std::string bytes = package_bytes(input.type, input.label, std::move(files));
  // A private key inside: readable by its owner alone, as every file holding one.
  file::write_atomic(input.output, bytes, holds_key ? 0600 : 0644);
  result.output = input.output;
  result.bytes = bytes.size();
  result.sha256 = tls::sha256_file_hex(input.output);
  result.package_id = input.label + ":" + result.sha256;
  return result;
}

} // namespace ccaas::steps
