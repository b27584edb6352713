#include "ccaas/steps/connection_file.hpp"

#include "ccaas/util/error.hpp"
#include "ccaas/util/file.hpp"

namespace ccaas::steps {

LoadedConnection load_rendered_connection(const std::filesystem::path& path,
                                          const std::string& missing_hint,
                                          std::int64_t now,
                                          log::Reporter& reporter)
{
  if (!file::exists_nofollow(path)) {
    throw Failure(path.string() + " not found: " + missing_hint);
  }
  LoadedConnection loaded;
  loaded.bytes = file::read_regular_file(path);
  contract::Diagnostics diags;
  auto connection = contract::validate_connection(
    json::parse_object(loaded.bytes, path.string()), path.string(), now, diags, contract::KeyCheck::skip);
  report(diags, reporter);
  loaded.connection = std::move(*connection);
  return loaded;
}

void publish_connection(const std::filesystem::path& path, const LoadedConnection& loaded)
{
  file::make_dirs(path.parent_path(), 0750);
  file::write_atomic(path, loaded.bytes, loaded.connection.holds_private_key() ? 0600 : 0644);
}

void report(const contract::Diagnostics& diags, log::Reporter& reporter)
{
  for (const std::string& line : diags.warnings) {
    reporter.warning(line);
  }
  for (const std::string& line : diags.errors) {
    reporter.error(line);
  }
  if (!diags.ok()) {
    throw ReportedFailure();
  }
}

} // namespace ccaas::steps
