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
  return parse_rendered_connection(file::read_regular_file(path), path, now, reporter);
}

LoadedConnection parse_rendered_connection(std::string bytes,
                                           const std::filesystem::path& shown,
                                           std::int64_t now,
                                           log::Reporter& reporter)
{
  LoadedConnection loaded;
  loaded.bytes = std::move(bytes);
  contract::Diagnostics diags;
  auto connection = contract::validate_connection(
    json::parse_object(loaded.bytes, shown.string()), shown.string(), now, diags, contract::KeyCheck::skip);
  report(diags, reporter);
  loaded.connection = std::move(*connection);
  return loaded;
}

std::filesystem::path publish_connection(const std::filesystem::path& base,
                                         const std::filesystem::path& relative,
                                         const LoadedConnection& loaded)
{
  const std::filesystem::path dir = file::make_dirs_below(base, relative.parent_path(), 0750);
  std::filesystem::path path = dir / relative.filename();
  file::write_atomic(path, loaded.bytes, loaded.connection.holds_private_key() ? 0600 : 0644);
  return path;
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
