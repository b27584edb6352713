#include "ccaas/config/template.hpp"
#include "ccaas/util/error.hpp"

#include <doctest/doctest.h>

using namespace ccaas::config;

namespace {

TemplateData data(const char* json)
{
  return TemplateData::from_env_value(std::string(json));
}

std::string render_ok(const char* text, const TemplateData& d)
{
  const RenderResult result = render_template(text, d);
  REQUIRE_MESSAGE(result.error.empty(), result.error);
  return result.text;
}

} // namespace

TEST_CASE("templates render like Fabric's ccaas_builder (Go text/template, missingkey=error)")
{
  const TemplateData d = data(R"({"peername":"peer0org1","port":9999,"tls":true,"org":{"name":"org1"}})");
  CHECK(render_ok("{{.peername}}_assettransfer_ccaas:9999", d) == "peer0org1_assettransfer_ccaas:9999");
  CHECK(render_ok("{{ .peername }}:{{.port}}", d) == "peer0org1:9999");
  CHECK(render_ok("cc.{{.org.name}}.svc:1", d) == "cc.org1.svc:1");
  CHECK(render_ok("a  {{- .peername -}}  b", d) == "apeer0org1b");
  CHECK(render_ok("{{/* note */}}x{{.tls}}", d) == "xtrue");
  CHECK(render_ok("no template at all", d) == "no template at all");
  // as in Go, "{{-" trims only when a space follows it
  CHECK(render_template("{{-.peername}}", d).error.find("is not supported") != std::string::npos);
}

TEST_CASE("template errors name the key, the variable and propagateEnvironment")
{
  const TemplateData unset = TemplateData::from_env_value(std::nullopt);
  CHECK_FALSE(unset.is_set());
  CHECK(render_template("{{.peername}}:9999", unset).error
        == "template {{.peername}} needs key \"peername\", but CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG is not set for "
           "the builder: set it in the peer's environment and list it under propagateEnvironment in core.yaml");

  const TemplateData d = data(R"({"peer":"p","obj":{"a":1},"list":[1],"nothing":null,"half":1.5})");
  CHECK(render_template("{{.peername}}", d).error
        == "template {{.peername}} needs key \"peername\", which CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG does not have "
           "(the builder got it through propagateEnvironment, but without that key)");
  CHECK(render_template("{{.obj.b}}", d).error.find("needs key \"obj.b\"") != std::string::npos);
  CHECK(render_template("{{.obj}}", d).error
        == "template {{.obj}}: key \"obj\" of CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG holds an object; only strings, "
           "numbers and booleans can be substituted");
  CHECK(render_template("{{.list}}", d).error.find("holds array") != std::string::npos);
  CHECK(render_template("{{.nothing}}", d).error.find("holds null") != std::string::npos);
  CHECK(render_template("{{printf \"%s\" .peer}}", d).error
        == "template action {{printf \"%s\" .peer}} is not supported: use {{.key}} with a key of "
           "CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG");
  CHECK(render_template("{{.}}", d).error.find("is not supported") != std::string::npos);
  CHECK(render_template("{{.peer", d).error == "template action \"{{\" is not closed with \"}}\"");
}

TEST_CASE("the variable must hold a JSON object")
{
  CHECK(TemplateData::from_env_value(std::string("{}")).is_set());
  CHECK_FALSE(TemplateData::from_env_value(std::string("")).is_set());
  auto message = [](const char* value) {
    try {
      TemplateData::from_env_value(std::string(value));
    } catch (const ccaas::Failure& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message(R"("{\"peername\":\"p\"}")")
        == "CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: it holds a JSON string, not an object: one level of quoting too "
           "many (compose or Kubernetes YAML often adds it); the value must start with '{'");
  CHECK(message(R"("peer0")") == "CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: it holds a JSON string, not an object");
  CHECK(message("{peername: p}")
        == "CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: not valid JSON: it must be a JSON object such as "
           "{\"peername\":\"peer0org1\"}");
  CHECK(message("[1]")
        == "CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: must be a JSON object such as {\"peername\":\"peer0org1\"}, "
           "found array");
}

TEST_CASE("numbers render as Go's %v of the float64 that encoding/json makes of them")
{
  // Go's strconv.FormatFloat(v, 'g', -1, 64): shortest digits; an exponent below -4 or from 6 on.
  CHECK(go_print_float(9999) == "9999");
  CHECK(go_print_float(100000) == "100000");
  CHECK(go_print_float(123456) == "123456");
  CHECK(go_print_float(1000000) == "1e+06");
  CHECK(go_print_float(1234567) == "1.234567e+06");
  CHECK(go_print_float(123456789) == "1.23456789e+08");
  CHECK(go_print_float(1e21) == "1e+21");
  CHECK(go_print_float(1e100) == "1e+100");
  CHECK(go_print_float(1.5) == "1.5");
  CHECK(go_print_float(0.1) == "0.1");
  CHECK(go_print_float(0.0001) == "0.0001");
  CHECK(go_print_float(0.00001) == "1e-05");
  CHECK(go_print_float(2.5e-5) == "2.5e-05");
  CHECK(go_print_float(12345.678) == "12345.678");
  CHECK(go_print_float(-2) == "-2");
  CHECK(go_print_float(0) == "0");
  CHECK(go_print_float(5e-324) == "5e-324");

  const TemplateData d = data(R"({"port":9999,"big":1000000,"half":1.5,"tiny":0.00001,"huge":12345678901234567890})");
  CHECK(render_template("cc:{{.port}}", d).text == "cc:9999");
  CHECK(render_template("{{.big}}", d).text == "1e+06");
  CHECK(render_template("{{.half}}s", d).text == "1.5s");
  CHECK(render_template("{{.tiny}}", d).text == "1e-05");
  CHECK(render_template("{{.huge}}", d).text == "1.2345678901234567e+19");
}
