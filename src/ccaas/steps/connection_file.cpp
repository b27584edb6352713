#include "ccaas/steps/connection_file.hpp"

#include "ccaas/util/error.hpp"
#include "ccaas/util/file.hpp"
#include "ccaas/util/log.hpp"

#include <cerrno>
#include <ctime>

namespace ccaas::steps {

LoadedConnection load_rendered_connection(const std::filesystem::path& path,
                                          const std::string& missing_hint,
                                          std::int64_t now)
{
  if (!file::exists_nofollow(path)) {
    throw Failure(path.string() + ": not found: " + missing_hint);
  }
  LoadedConnection loaded;
  loaded.bytes = file::read_regular_file(path);
  contract::Diagnostics diags;
  auto connection = contract::validate_connection(
    json::parse_object(loaded.bytes, path.string()), path.string(), now, diags, contract::KeyCheck::skip);
  report(diags);
  loaded.connection = std::move(*connection);
  return loaded;
}

void publish_connection(const std::filesystem::path& path, const LoadedConnection& loaded)
{
  file::make_dirs(path.parent_path(), 0750);
  file::write_atomic(path, loaded.bytes, loaded.connection.holds_private_key() ? 0600 : 0644);
}

void report(const contract::Diagnostics& diags)
{
  for (const std::string& line : diags.warnings) {
    log::warning(line);
  }
  for (const std::string& line : diags.errors) {
    log::error(line);
  }
  if (!diags.ok()) {
    throw ReportedFailure();
  }
}

std::int64_t now_seconds()
{
  return static_cast<std::int64_t>(std::time(nullptr));
}

} // namespace ccaas::steps
