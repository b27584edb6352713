#include "ccaas/steps/build.hpp"

#include "ccaas/contract/connection.hpp"
#include "ccaas/contract/metadata.hpp"
#include "ccaas/steps/connection_file.hpp"
#include "ccaas/util/error.hpp"
#include "ccaas/util/file.hpp"

#include <sys/stat.h>

namespace ccaas::steps {

namespace fs = std::filesystem;

namespace {

// SRC/META-INF holds the CouchDB index definitions the peer creates for the chaincode (an
// external package keeps them in SRC/metadata). It is copied only when it is a real directory
// of regular files: a symlink could reach outside SRC.
std::size_t copy_index_dir(const fs::path& source_dir, const char* name, const fs::path& output_dir)
{
  const fs::path source = source_dir / name;
  struct stat st = {};
  if (::lstat(source.c_str(), &st) != 0) {
    return 0;
  }
  if (S_ISLNK(st.st_mode)) {
    throw Failure(source.string() + ": is a symlink: " + name + " must be a directory inside the package");
  }
  const fs::path target = output_dir / name;
  file::remove_tree(target);
  return file::copy_tree_atomic(source, target);
}

} // namespace

Outcome build(const BuildInput& input, Context& context)
{
  const fs::path metadata_path = input.metadata_dir / contract::k_metadata_file;
  const std::string metadata_text = file::read_regular_file(metadata_path);
  const contract::Metadata metadata = contract::parse_metadata(metadata_text, metadata_path.string());
  if (!contract::claims_type(input.types, metadata.type)) {
    throw Failure(metadata_path.string() + ": type: \"" + metadata.type
                  + "\" is not a type this builder claims (CCAAS_BUILDER_TYPES): its detect does not claim such a "
                    "package");
  }

  const fs::path source_path = input.source_dir / contract::k_connection_file;
  if (!file::exists_nofollow(source_path)) {
    // Fabric's own words ("connection.json not found"), which runbooks grep for, then ours.
    throw Failure(source_path.string() + " not found: a " + metadata.type
                  + " package carries connection.json at the root of code.tar.gz");
  }
  json::Json doc = json::parse_object(file::read_regular_file(source_path), source_path.string());

  contract::Diagnostics diags;
  contract::render_connection(doc, input.template_data, source_path.string(), diags);
  contract::apply_default_dial_timeout(doc, input.default_dial_timeout);
  report(diags, context.reporter); // a template that does not render leaves nothing worth validating
  auto connection = contract::validate_connection(std::move(doc), source_path.string(), context.now, diags);
  report(diags, context.reporter);

  const bool external = contract::is_external_type(metadata.type);
  const char* index_dir = external ? contract::k_external_index_dir : contract::k_meta_inf_dir;
  const std::size_t indexes = copy_index_dir(input.source_dir, index_dir, input.output_dir);
  file::write_atomic(input.output_dir / contract::k_metadata_file, metadata_text, 0644);

  LoadedConnection rendered{connection->doc.dump(2) + "\n", std::move(*connection)};
  const fs::path output_path = publish_connection(input.output_dir, contract::k_connection_file, rendered);
  context.reporter.info("connection " + rendered.connection.summary() + "; wrote " + output_path.string()
                        + (indexes > 0 ? " and " + std::to_string(indexes) + " " + index_dir + " file(s)" : ""));
  return Outcome::ok;
}

} // namespace ccaas::steps
