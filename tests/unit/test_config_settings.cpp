#include "ccaas/config/settings.hpp"
#include "ccaas/util/error.hpp"

#include <doctest/doctest.h>

#include <map>

using namespace ccaas;
using namespace ccaas::config;

namespace {

Lookup from(std::map<std::string, std::string> values)
{
  return [values](const char* name) -> std::optional<std::string> {
    const auto it = values.find(name);
    return it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

std::string failure_of(const std::vector<const EnvVar*>& variables, const Lookup& lookup)
{
  try {
    load_settings(variables, lookup);
  } catch (const Failure& e) {
    return e.what();
  }
  return "";
}

const std::vector<const EnvVar*> k_all{&k_builder_config, &k_dial_timeout, &k_probe};

} // namespace

TEST_CASE("unset variables take their defaults")
{
  const Settings settings = load_settings(k_all, from({}));
  CHECK_FALSE(settings.template_data.is_set());
  CHECK_FALSE(settings.dial_timeout);
  CHECK_FALSE(settings.dial_timeout_text);
  CHECK(settings.probe == ProbePolicy::warn);
}

TEST_CASE("each variable is parsed once, into its type")
{
  const Settings settings = load_settings(k_all,
                                          from({{"CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG", R"({"peername":"peer0"})"},
                                                {"CCAAS_BUILDER_DIAL_TIMEOUT", "1m30s"},
                                                {"CCAAS_BUILDER_PROBE", "require"}}));
  CHECK(settings.template_data.is_set());
  CHECK(settings.template_data.object()["peername"] == "peer0");
  CHECK(*settings.dial_timeout == 90'000'000'000);
  CHECK(*settings.dial_timeout_text == "1m30s");
  CHECK(settings.probe == ProbePolicy::require);
  CHECK(load_settings({&k_probe}, from({{"CCAAS_BUILDER_PROBE", "off"}})).probe == ProbePolicy::off);
}

TEST_CASE("a bad value is refused with the variable's name, the same way for every step")
{
  CHECK(failure_of({&k_dial_timeout}, from({{"CCAAS_BUILDER_DIAL_TIMEOUT", "10"}}))
        == "CCAAS_BUILDER_DIAL_TIMEOUT: \"10\" has no unit (write \"10s\" for seconds; units are ns, us, ms, s, m, h)");
  CHECK(failure_of({&k_dial_timeout}, from({{"CCAAS_BUILDER_DIAL_TIMEOUT", "500us"}}))
        == "CCAAS_BUILDER_DIAL_TIMEOUT: \"500us\" must be at least 1ms");
  CHECK(failure_of({&k_probe}, from({{"CCAAS_BUILDER_PROBE", "sometimes"}}))
        == "CCAAS_BUILDER_PROBE: \"sometimes\" is not one of off, warn, require");
  CHECK(failure_of({&k_builder_config}, from({{"CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG", R"("{\"a\":1}")"}}))
          .find("one level of quoting too many")
        != std::string::npos);
}

TEST_CASE("a step reads only its own variables: another step's bad value is not its problem")
{
  const Lookup bad = from({{"CCAAS_BUILDER_PROBE", "sometimes"}, {"CCAAS_BUILDER_DIAL_TIMEOUT", "soon"}});
  CHECK(failure_of({&k_builder_config}, bad).empty());
  CHECK(failure_of({}, bad).empty());
}
