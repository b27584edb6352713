#include "ccaas/config/template.hpp"
#include "ccaas/contract/connection.hpp"

#include "support/certs.hpp"

#include <doctest/doctest.h>

#include <ctime>

using namespace ccaas;
using contract::Diagnostics;

namespace {

const std::string k_where = "/src/connection.json";

struct Outcome {
  std::optional<contract::Connection> connection;
  Diagnostics diags;
};

Outcome validate(const json::Json& doc)
{
  Outcome out;
  out.connection = contract::validate_connection(doc, k_where, std::time(nullptr), out.diags);
  return out;
}

std::vector<std::string> errors_of(const json::Json& doc)
{
  return validate(doc).diags.errors;
}

std::string only_error(const json::Json& doc)
{
  const auto errors = errors_of(doc);
  REQUIRE_MESSAGE(errors.size() == 1, doc.dump());
  return errors[0];
}

} // namespace

TEST_CASE("a plaintext connection keeps unknown keys and defaults like the peer")
{
  const json::Json doc = json::Json::parse(R"({"address":"cc:9999","note":"owner: team-a","domain":"cc.example.com"})");
  const Outcome out = validate(doc);
  REQUIRE(out.connection.has_value());
  CHECK(out.diags.errors.empty());
  CHECK(out.connection->doc.dump() == doc.dump());
  CHECK(out.connection->effective_dial_timeout() == 3'000'000'000);
  CHECK_FALSE(out.connection->tls_required);
  CHECK(out.connection->summary() == "cc:9999, dial_timeout 3s (the peer's default), plaintext");
  // domain without client authentication: the peer never uses it, and says nothing
  CHECK(out.diags.warnings
        == std::vector<std::string>{k_where
                                    + ": domain: cc.example.com is not used: Fabric 3.x peers take domain as the TLS "
                                      "server name only with tls_required and client_auth_required, and Fabric 2.x "
                                      "peers never; the server's certificate is checked against the address host"});
}

TEST_CASE("each field problem is one line naming the file and field")
{
  CHECK(only_error(json::Json::parse(R"({})"))
        == k_where + ": address: missing: the peer needs the chaincode server's host:port");
  CHECK(only_error(json::Json::parse(R"({"address":9999})"))
        == k_where + ": address: expected a string, found a number");
  CHECK(only_error(json::Json::parse(R"({"address":"cc"})"))
        == k_where + ": address: \"cc\" has no port: write cc:PORT");
  CHECK(only_error(json::Json::parse(R"({"address":"cc:1","dial_timeout":"10"})"))
        == k_where + ": dial_timeout: \"10\" has no unit (write \"10s\" for seconds; units are ns, us, ms, s, m, h)");
  CHECK(only_error(json::Json::parse(R"({"address":"cc:1","dial_timeout":""})"))
        == k_where
             + ": dial_timeout: is \"\", which the peer cannot parse (time: invalid duration \"\"); remove the key "
               "to use the peer's default of 3s, or write a duration such as \"10s\"");
  CHECK(only_error(json::Json::parse(R"({"address":"cc:1","dial_timeout":10})"))
        == k_where
             + ": dial_timeout: 10 is a JSON number, which the peer reads as 10 nanoseconds, too short for any "
               "dial: write \"10s\" for seconds");
  CHECK(
    only_error(json::Json::parse(R"({"address":"cc:1","dial_timeout":1500000000.5})"))
    == k_where
         + ": dial_timeout: a JSON number here counts nanoseconds and must be whole; write a duration such as \"10s\"");
  CHECK(only_error(json::Json::parse(R"({"address":"cc:1","dial_timeout":null})"))
        == k_where + ": dial_timeout: expected a Go duration string such as \"10s\", found null");
  CHECK(only_error(json::Json::parse(R"({"address":"cc:1","dial_timeout":"-1s"})"))
        == k_where + ": dial_timeout: is negative: every dial would fail at once");
  CHECK(only_error(json::Json::parse(R"({"address":"cc:1","dial_timeout":"100us"})"))
        == k_where + ": dial_timeout: 100\xC2\xB5s is below one millisecond: no dial can complete in it");
  const auto quoted = errors_of(json::Json::parse(R"({"address":"cc:1","tls_required":"true"})"));
  REQUIRE(quoted.size() == 2); // the quoted "true" still means TLS was intended: root_cert is checked too
  CHECK(quoted[0]
        == k_where
             + ": tls_required: expected a JSON boolean, found a string \"true\": write true without quotes (the "
               "peer cannot read a quoted boolean)");
  CHECK(quoted[1].rfind(k_where + ": root_cert: missing: ", 0) == 0);
  CHECK(only_error(json::Json::parse(R"({"address":"cc:1","client_auth_required":1})"))
        == k_where + ": client_auth_required: expected a JSON boolean, found a number");
  CHECK(only_error(json::Json::parse(R"({"address":"cc:1","tls_required":true})"))
        == k_where
             + ": root_cert: missing: with tls_required the peer needs the PEM of the CA that issued the chaincode "
               "server's certificate");
  CHECK(only_error(json::Json::parse(R"({"address":"cc:1","domain":"a b"})"))
        == k_where
             + ": domain: is not a host name: \"a b:1\" contains a space, '/' or a control character: write host:port");
}

TEST_CASE("several problems give several lines")
{
  const auto errors = errors_of(json::Json::parse(R"({"address":"cc","dial_timeout":"10","tls_required":"yes"})"));
  REQUIRE(errors.size() == 3);
  CHECK(errors[0].find(": address: ") != std::string::npos);
  CHECK(errors[1].find(": dial_timeout: ") != std::string::npos);
  CHECK(errors[2].find(": tls_required: ") != std::string::npos);
}

TEST_CASE("accepted dial timeouts, and the ones that warn")
{
  for (const char* value : {R"("10s")", R"("1m30s")", R"("500ms")", R"(10000000000)", R"("0")", R"(0)"}) {
    CAPTURE(value);
    const Outcome out = validate(json::Json::parse(std::string(R"({"address":"cc:1","dial_timeout":)") + value + "}"));
    CHECK(out.diags.errors.empty());
    CHECK(out.diags.warnings.empty());
  }
  const Outcome slow = validate(json::Json::parse(R"({"address":"cc:1","dial_timeout":"10m"})"));
  REQUIRE(slow.diags.warnings.size() == 1);
  CHECK(slow.diags.warnings[0]
        == k_where
             + ": dial_timeout: 10m0s is longer than the peer's default chaincode.startuptimeout (5m0s): an "
               "unreachable server then shows only as \"timeout expired while starting chaincode\"");
}

TEST_CASE("TLS material is checked the way the peer will use it")
{
  const auto ca = test_support::make_ca({"cc CA"});
  const auto client = test_support::issue(ca, {"peer0 client"});
  const auto other = test_support::issue(ca, {"other"});
  json::Json doc = {{"address", "cc:9999"},
                    {"tls_required", true},
                    {"client_auth_required", true},
                    {"root_cert", ca.cert_pem},
                    {"client_cert", client.cert_pem},
                    {"client_key", client.key_pem}};
  const Outcome good = validate(doc);
  REQUIRE(good.connection.has_value());
  CHECK(good.diags.warnings.empty());
  CHECK(good.connection->holds_private_key());
  CHECK(good.connection->summary() == "cc:9999, dial_timeout 3s (the peer's default), TLS with client authentication");

  doc["client_key"] = other.key_pem;
  CHECK(only_error(doc)
        == k_where + ": client_key: does not match client_cert (the key belongs to another certificate)");
  doc.erase("client_key");
  CHECK(only_error(doc)
        == k_where
             + ": client_key: missing: with client_auth_required the peer needs the private key of "
               "client_cert (PEM)");
  doc["client_key"] = client.key_pem;
  doc["root_cert"] = "/etc/tls/ca.crt";
  CHECK(only_error(doc)
        == k_where
             + ": root_cert: holds no PEM block: it looks like a file path; the peer reads the PEM "
               "text itself, not a path");
  for (const std::string& line : errors_of(doc)) {
    CHECK(line.find("BEGIN") == std::string::npos);
  }
}

TEST_CASE("expired certificates are refused and soon-expiring ones warn")
{
  const auto expired = test_support::make_ca({"old CA", {}, -7200, -3600});
  const auto soon = test_support::make_ca({"soon CA", {}, -7200, 10L * 24 * 3600});
  json::Json doc = {{"address", "cc:9999"}, {"tls_required", true}, {"root_cert", expired.cert_pem}};
  const std::string error = only_error(doc);
  CHECK(error.rfind(k_where + ": root_cert: certificate (CN=old CA) expired on ", 0) == 0);
  doc["root_cert"] = soon.cert_pem;
  const Outcome out = validate(doc);
  CHECK(out.diags.errors.empty());
  REQUIRE(out.diags.warnings.size() == 1);
  CHECK(out.diags.warnings[0].rfind(k_where + ": root_cert: certificate (CN=soon CA) expires on ", 0) == 0);
  CHECK(out.diags.warnings[0].find(", within 30 days") != std::string::npos);
}

TEST_CASE("TLS fields without tls_required warn that the peer ignores them")
{
  const auto ca = test_support::make_ca({"cc CA"});
  const Outcome out = validate({{"address", "cc:1"}, {"root_cert", ca.cert_pem}, {"client_auth_required", true}});
  CHECK(out.diags.errors.empty());
  REQUIRE(out.diags.warnings.size() == 2);
  CHECK(out.diags.warnings[0]
        == k_where + ": client_auth_required: has no effect without tls_required: the peer dials in plaintext");
  CHECK(out.diags.warnings[1]
        == k_where + ": root_cert: is ignored: tls_required is not true, so the peer dials in plaintext");
}

TEST_CASE("rendering fills every string field and default dial timeouts never write \"\"")
{
  json::Json doc =
    json::Json::parse(R"({"address":"{{.peer}}-cc:{{.port}}","domain":"{{.peer}}.example.com","tls_required":false})");
  const auto data = config::TemplateData::from_env_value(std::string(R"({"peer":"peer0","port":7052})"));
  Diagnostics diags;
  contract::render_connection(doc, data, k_where, diags);
  contract::apply_default_dial_timeout(doc, std::string("15s"));
  CHECK(diags.errors.empty());
  CHECK(doc.dump()
        == R"({"address":"peer0-cc:7052","domain":"peer0.example.com","tls_required":false,"dial_timeout":"15s"})");

  json::Json keep = json::Json::parse(R"({"address":"cc:1","dial_timeout":"2s"})");
  contract::apply_default_dial_timeout(keep, std::string("15s"));
  CHECK(keep["dial_timeout"] == "2s");
  json::Json none = json::Json::parse(R"({"address":"cc:1"})");
  contract::apply_default_dial_timeout(none, std::nullopt);
  CHECK_FALSE(none.contains("dial_timeout"));

  json::Json missing = json::Json::parse(R"({"address":"{{.nope}}:1"})");
  Diagnostics missing_diags;
  contract::render_connection(missing, data, k_where, missing_diags);
  REQUIRE(missing_diags.errors.size() == 1);
  CHECK(missing_diags.errors[0].rfind(k_where + ": address: template {{.nope}} needs key \"nope\"", 0) == 0);
}

TEST_CASE("a redacted connection summarises certificates and hides keys")
{
  const auto ca = test_support::make_ca({"cc CA"});
  const auto client = test_support::issue(ca, {"peer0 client"});
  const json::Json doc = {{"address", "cc:1"},
                          {"root_cert", ca.cert_pem},
                          {"client_cert", client.cert_pem},
                          {"client_key", client.key_pem},
                          {"note", "-----BEGIN junk"}};
  const std::string shown = contract::redacted(doc).dump();
  CHECK(shown.find("BEGIN") == std::string::npos);
  CHECK(shown.find("PRIVATE") == std::string::npos);
  const json::Json out = contract::redacted(doc);
  CHECK(out["client_key"] == "<private key, redacted>");
  CHECK(out["root_cert"].get<std::string>().rfind("<1 certificate(s): CN=cc CA until ", 0) == 0);
  CHECK(out["note"] == "<PEM, redacted: holds no CERTIFICATE block>");
  CHECK(out["address"] == "cc:1");
}

TEST_CASE("a private key at any depth is redacted, and makes the file private")
{
  const auto ca = test_support::make_ca({"cc CA"});
  const auto client = test_support::issue(ca, {"peer0 client"});
  const json::Json doc = {
    {"address", "cc:1"},
    {"notes", {{"backup", client.key_pem}, {"list", {"plain", client.key_pem, ca.cert_pem}}}},
  };
  const std::string shown = contract::redacted(doc).dump();
  CHECK(shown.find("BEGIN") == std::string::npos);
  const json::Json out = contract::redacted(doc);
  CHECK(out["notes"]["backup"] == "<private key, redacted>");
  CHECK(out["notes"]["list"][0] == "plain");
  CHECK(out["notes"]["list"][1] == "<private key, redacted>");
  CHECK(out["notes"]["list"][2].get<std::string>().rfind("<1 certificate(s): CN=cc CA until ", 0) == 0);

  const Outcome plain = validate({{"address", "cc:1"}});
  REQUIRE(plain.connection.has_value());
  CHECK_FALSE(plain.connection->holds_private_key());
  const Outcome nested = validate(doc);
  REQUIRE(nested.connection.has_value());
  CHECK(nested.connection->holds_private_key());
}
