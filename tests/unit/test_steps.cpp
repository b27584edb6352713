#include "ccaas/config/settings.hpp"
#include "ccaas/steps/build.hpp"
#include "ccaas/steps/detect.hpp"
#include "ccaas/steps/release.hpp"
#include "ccaas/steps/run.hpp"
#include "ccaas/util/error.hpp"
#include "support/reporter.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <ctime>

using namespace ccaas;
using steps::Outcome;
using test_support::CapturingReporter;
using test_support::TempDir;

namespace {

struct Fixture {
  TempDir dir;
  CapturingReporter reporter;
  steps::Context context{reporter, probe::Cancel{}, static_cast<std::int64_t>(std::time(nullptr))};

  std::filesystem::path make(const std::string& name)
  {
    const auto path = dir.path() / name;
    std::filesystem::create_directories(path);
    return path;
  }
};

std::string failure_of(const std::function<void()>& body)
{
  try {
    body();
  } catch (const ReportedFailure&) {
    return "(reported)";
  } catch (const Failure& e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST_CASE("detect claims ccaas in any case, and says nothing about other types")
{
  Fixture f;
  f.dir.write("meta/metadata.json", R"({"type":"CCaaS","label":"cc_1"})");
  CHECK(steps::detect({f.dir.path(), f.dir.path() / "meta", {}}) == Outcome::ok);
  f.dir.write("other/metadata.json", R"({"type":"golang","label":"cc_1"})");
  CHECK(steps::detect({f.dir.path(), f.dir.path() / "other", {}}) == Outcome::not_ours);
  CHECK(failure_of([&] {
          steps::detect({f.dir.path(), f.dir.path() / "none", {}});
        })
        == (f.dir.path() / "none" / "metadata.json").string() + " not found");
}

TEST_CASE("CCAAS_BUILDER_TYPES: external packages claimed only when named; ccaas stays claimed by default")
{
  Fixture f;
  f.dir.write("ext/metadata.json", R"({"type":"external","label":"cc_1"})");
  f.dir.write("cc/metadata.json", R"({"type":"ccaas","label":"cc_1"})");
  const auto types = [](const char* value) {
    return config::load_settings({&config::k_types}, [value](const char*) { return std::optional<std::string>(value); })
      .types;
  };
  CHECK(steps::detect({f.dir.path(), f.dir.path() / "ext", {}}) == Outcome::not_ours);
  CHECK(steps::detect({f.dir.path(), f.dir.path() / "ext", types("ccaas,external")}) == Outcome::ok);
  CHECK(steps::detect({f.dir.path(), f.dir.path() / "cc", types(" External ")}) == Outcome::not_ours);
  CHECK(steps::detect({f.dir.path(), f.dir.path() / "cc", types("CCAAS, external")}) == Outcome::ok);
  CHECK(failure_of([&] { types("ccaas,golang"); })
        == "CCAAS_BUILDER_TYPES: \"ccaas,golang\": \"golang\" is not a type this builder claims (ccaas, external; "
           "comma-separated)");
  CHECK(
    failure_of([&] { types("ccaas,"); })
    == "CCAAS_BUILDER_TYPES: \"ccaas,\": \"\" is not a type this builder claims (ccaas, external; comma-separated)");
}

TEST_CASE("build renders, validates and writes; release publishes; both report through the reporter only")
{
  Fixture f;
  f.dir.write("src/connection.json", R"({"address":"{{.peer}}-cc:9999"})");
  f.dir.write("src/META-INF/statedb/couchdb/indexes/i.json", "{}");
  f.dir.write("meta/metadata.json", R"({"type":"ccaas","label":"cc_1"})");
  const auto bld = f.make("bld");
  const auto settings =
    config::load_settings({&config::k_builder_config, &config::k_dial_timeout}, [](const char* name) {
      return std::string(name) == "CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG"
               ? std::optional<std::string>(R"({"peer":"p0"})")
               : std::optional<std::string>("7s");
    });
  CHECK(steps::build(
          {f.dir.path() / "src", f.dir.path() / "meta", bld, settings.template_data, settings.dial_timeout_text, {}},
          f.context)
        == Outcome::ok);
  CHECK(test_support::read(bld / "connection.json")
        == "{\n  \"address\": \"p0-cc:9999\",\n  \"dial_timeout\": \"7s\"\n}\n");
  REQUIRE(f.reporter.lines.size() == 1);
  CHECK(f.reporter.lines[0]
        == "info: connection p0-cc:9999, dial_timeout 7s, plaintext; wrote " + (bld / "connection.json").string()
             + " and 1 META-INF file(s)");

  const auto rel = f.make("release");
  f.reporter.lines.clear();
  CHECK(steps::release({bld, rel, config::ProbePolicy::off}, f.context) == Outcome::ok);
  CHECK(std::filesystem::exists(rel / "statedb" / "couchdb" / "indexes" / "i.json"));
  CHECK(test_support::read(rel / "chaincode" / "server" / "connection.json")
        == test_support::read(bld / "connection.json"));
  CHECK(f.reporter.lines.size() == 3);
}

TEST_CASE("build reports every problem of connection.json, then fails with nothing written")
{
  Fixture f;
  f.dir.write("src/connection.json", R"({"address":"cc","tls_required":"true"})");
  f.dir.write("meta/metadata.json", R"({"type":"ccaas","label":"cc_1"})");
  const auto bld = f.make("bld");
  CHECK(failure_of([&] {
          steps::build({f.dir.path() / "src", f.dir.path() / "meta", bld, {}, std::nullopt, {}}, f.context);
        })
        == "(reported)");
  CHECK(f.reporter.lines.size() >= 2);
  CHECK(std::filesystem::is_empty(bld));
}

TEST_CASE("run: a cancelled context ends the step as terminated, before any probe")
{
  Fixture f;
  f.dir.write("builds/cc_1-" + std::string(64, 'a') + "/bld/connection.json", R"({"address":"127.0.0.1:9"})");
  f.dir.write("run/chaincode.json", R"({"chaincode_id":"cc_1:)" + std::string(64, 'a') + R"("})");
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  REQUIRE(::write(fds[1], "x", 1) == 1);
  steps::Context cancelled{f.reporter, probe::Cancel{fds[0]}, f.context.now};
  CHECK(
    steps::run({f.dir.path() / "builds" / ("cc_1-" + std::string(64, 'a')) / "bld", f.dir.path() / "run", std::nullopt},
               cancelled)
    == Outcome::terminated);
  ::close(fds[0]);
  ::close(fds[1]);
}
