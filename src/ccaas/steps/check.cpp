#include "ccaas/steps/check.hpp"

#include "ccaas/contract/connection.hpp"
#include "ccaas/contract/metadata.hpp"
#include "ccaas/contract/package_id.hpp"
#include "ccaas/steps/build.hpp"
#include "ccaas/steps/connection_file.hpp"
#include "ccaas/steps/package_layout.hpp"
#include "ccaas/steps/release.hpp"
#include "ccaas/tls/sha256.hpp"
#include "ccaas/util/error.hpp"
#include "ccaas/util/file.hpp"
#include "ccaas/util/targz.hpp"
#include "ccaas/util/temp_dir.hpp"
#include "ccaas/util/text.hpp"

#include <sys/stat.h>

namespace ccaas::steps {

namespace fs = std::filesystem;

namespace {

// The reporter build and release get inside a check: their info lines are dropped, their
// warnings and errors pass on, and the errors are kept for the JSON report.
class QuietReporter final : public log::Reporter
{
public:
  explicit QuietReporter(log::Reporter& outer)
    : m_outer(outer)
  {
  }
  void info(std::string_view) override {}
  void warning(std::string_view message) override { m_outer.warning(message); }
  void error(std::string_view message) override
  {
    m_outer.error(message);
    m_errors.emplace_back(message);
  }
  const std::vector<std::string>& errors() const { return m_errors; }

private:
  log::Reporter& m_outer;
  std::vector<std::string> m_errors;
};

struct Located {
  std::string kind;
  std::optional<std::string> package_id;
  fs::path connection_file; // the release connection.json the peer would read
};

bool is_dir(const fs::path& path)
{
  struct stat st = {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// build and release as the peer runs them, into work/ (build refuses a type detect would not claim).
fs::path install_into(const fs::path& source_dir,
                      const fs::path& metadata_dir,
                      const fs::path& work,
                      const CheckInput& input,
                      Context& quiet)
{
  const fs::path bld = work / "bld";
  const fs::path rel = work / "release";
  file::make_dirs(bld, 0700);
  file::make_dirs(rel, 0700);
  build({source_dir, metadata_dir, bld, input.template_data, input.default_dial_timeout_text, input.types}, quiet);
  release({bld, rel, config::ProbePolicy::off}, quiet);
  return rel / "chaincode" / "server" / contract::k_connection_file;
}

// Where a package is unpacked and built; made when first needed (a durable build needs none), so
// that a check in a pod with no writable TMPDIR still checks what it can.
class Scratch
{
public:
  const fs::path& path()
  {
    if (!m_dir) {
      m_dir.emplace("ccaas-check-");
    }
    return m_dir->path();
  }

private:
  std::optional<file::TempDir> m_dir;
};

Located locate(const CheckInput& input, Scratch& scratch, Context& quiet)
{
  const fs::path& path = input.path;
  if (!file::exists_nofollow(path)) {
    throw Failure(path.string() + " not found");
  }
  if (!is_dir(path)) {
    const fs::path& work = scratch.path();
    // A package file: its ID is label:sha256 of these bytes.
    const PackageLayout layout = lay_out_package(path, work);
    const contract::Metadata metadata = contract::read_metadata(layout.metadata_dir);
    const std::string id = metadata.label + ":" + tls::sha256_file_hex(path);
    return {"package file", id, install_into(layout.src, layout.metadata_dir, work, input, quiet)};
  }
  if (file::exists_nofollow(path / contract::k_metadata_file)) {
    // code.tar.gz beside metadata.json, or its contents there, or in code/ as in fixtures/
    const fs::path& work = scratch.path();
    fs::path src = path;
    if (file::exists_nofollow(path / "code.tar.gz")) {
      src = work / "src";
      file::make_dirs(src, 0700);
      file::extract_tar_gz(path / "code.tar.gz", src, {}, (path / "code.tar.gz").string());
    } else if (!file::exists_nofollow(path / contract::k_connection_file) && is_dir(path / "code")) {
      src = path / "code";
    }
    return {"package directory", std::nullopt, install_into(src, path, work, input, quiet)};
  }
  if (is_dir(path / "bld")) {
    const fs::path absolute = fs::absolute(path).lexically_normal();
    const std::string name = (absolute.has_filename() ? absolute : absolute.parent_path()).filename().string();
    const auto id = contract::package_id_from_durable_dir(name);
    const fs::path published = path / "release" / "chaincode" / "server" / contract::k_connection_file;
    if (!file::exists_nofollow(published)) {
      quiet.reporter.warning(published.string() + ": missing: the peer would call run, which restores it from "
                             + (path / "bld" / contract::k_connection_file).string());
    }
    return {"durable build",
            id ? std::optional<std::string>(id->str()) : std::nullopt,
            file::exists_nofollow(published) ? published : path / "bld" / contract::k_connection_file};
  }
  throw Failure(path.string()
                + ": neither a package file, a package directory (metadata.json) nor a durable "
                  "build directory (bld/)");
}

} // namespace

CheckResult check(const CheckInput& input, Context& context)
{
  CheckResult result;
  result.report.ccid_expected = input.ccid;
  QuietReporter reporter(context.reporter);
  Context quiet{reporter, context.cancel, context.now};
  std::optional<LoadedConnection> loaded;
  try {
    Scratch scratch;
    const Located located = locate(input, scratch, quiet);
    result.kind = located.kind;
    result.package_id = located.package_id;
    loaded = load_rendered_connection(located.connection_file, "the build did not complete", context.now, reporter);
  } catch (const ReportedFailure&) {
  } catch (const OwnTrouble& e) {
    // Not the package's fault: the peer, with its own scratch space, may well use it.
    result.report.unchecked = true;
    result.report.error = std::string("the check could not run: ") + e.what();
    result.report.hint = "this says nothing about the package; give the check a writable TMPDIR (an emptyDir in "
                         "a pod with readOnlyRootFilesystem), or check the peer's durable build directory instead";
    result.outcome = Outcome::unchecked;
    return result;
  } catch (const Failure& e) {
    reporter.error(e.what());
  }
  if (!loaded) {
    result.report.failed_stage = probe::Stage::config;
    result.report.error = join(reporter.errors(), "; ");
    result.report.hint = "fix the package or the builder's environment as the lines above say";
    return result;
  }
  result.connection = contract::redacted(loaded->connection.doc);
  std::optional<std::string> expected = input.ccid ? input.ccid : result.package_id;
  // --dial-timeout first; then CCAAS_BUILDER_DIAL_TIMEOUT for a connection that sets none (a
  // durable build made without it); then the connection's own, or the peer's default.
  std::optional<std::int64_t> dial_timeout = input.dial_timeout;
  if (!dial_timeout && !loaded->connection.dial_timeout) {
    dial_timeout = input.default_dial_timeout;
  }
  result.report = probe::run_probe(probe::target_for(loaded->connection, expected, dial_timeout), context.cancel);
  result.outcome = result.report.cancelled   ? Outcome::terminated
                   : result.report.unchecked ? Outcome::unchecked
                   : result.report.ok        ? Outcome::ok
                                             : Outcome::failed;
  return result;
}

} // namespace ccaas::steps
