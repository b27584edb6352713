#include "ccaas/util/json_read.hpp"

#include "ccaas/util/linked.hpp"

#include "ccaas/util/error.hpp"

#include <set>
#include <vector>

namespace ccaas::json {

namespace {

constexpr int k_max_depth = 64;

class DuplicateKey : public std::exception
{
public:
  explicit DuplicateKey(std::string key)
    : m_key(std::move(key))
  {
  }
  const std::string& key() const { return m_key; }

private:
  std::string m_key;
};

class TooDeep : public std::exception
{
};

// nlohmann's message, without its "[json.exception...] " tag and without "last read: '…'",
// which echoes input bytes (part of a PEM key, for instance).
std::string clean_parse_message(const std::string& what)
{
  std::string message = what;
  if (const auto tag_end = message.find("] ");
      message.rfind("[json.exception", 0) == 0 && tag_end != std::string::npos) {
    message.erase(0, tag_end + 2);
  }
  if (const auto last_read = message.find("; last read:"); last_read != std::string::npos) {
    message.erase(last_read);
  }
  return message;
}

} // namespace

Json parse_object(std::string_view text, const std::string& where)
{
  std::vector<std::set<std::string>> keys_per_object;
  auto check = [&keys_per_object](int depth, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
      case Json::parse_event_t::array_start:
        if (depth >= k_max_depth) {
          throw TooDeep();
        }
        if (event == Json::parse_event_t::object_start) {
          keys_per_object.emplace_back();
        }
        break;
      case Json::parse_event_t::key:
        if (!keys_per_object.empty() && !keys_per_object.back().insert(parsed.get<std::string>()).second) {
          throw DuplicateKey(parsed.get<std::string>());
        }
        break;
      case Json::parse_event_t::object_end:
        if (!keys_per_object.empty()) {
          keys_per_object.pop_back();
        }
        break;
      default:
        break;
    }
    return true;
  };

  if (text.find('\0') != std::string_view::npos) {
    throw Failure(where + ": contains a NUL byte: not a JSON text file");
  }
  Json doc;
  try {
    doc = Json::parse(text.begin(), text.end(), check);
  } catch (const DuplicateKey& e) {
    throw Failure(where + ": key \"" + e.key() + "\" appears twice in one object: keep one");
  } catch (const TooDeep&) {
    throw Failure(where + ": JSON nested deeper than " + std::to_string(k_max_depth) + " levels");
  } catch (const Json::out_of_range&) {
    // nlohmann reports a number beyond double's range this way, "number overflow parsing '...'"
    throw Failure(where + ": not valid JSON: a number is out of range");
  } catch (const Json::parse_error& e) {
    std::string message = where + ": not valid JSON: " + clean_parse_message(e.what());
    if (message.find("control character") != std::string::npos) {
      message += " (inside a JSON string a PEM needs \\n escapes, not line breaks)";
    }
    throw Failure(message);
  }
  if (!doc.is_object()) {
    throw Failure(where + ": expected a JSON object, found " + type_name(doc));
  }
  return doc;
}

std::string type_name(const Json& value)
{
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return "a number";
    default:
      return "an unsupported value";
  }
}

LinkedLibrary nlohmann_json_library()
{
  return {"nlohmann/json",
          std::to_string(NLOHMANN_JSON_VERSION_MAJOR) + "." + std::to_string(NLOHMANN_JSON_VERSION_MINOR) + "."
            + std::to_string(NLOHMANN_JSON_VERSION_PATCH),
          "built with; header-only"};
}

} // namespace ccaas::json
