#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace ccaas::json {

using Json = nlohmann::ordered_json; // keeps the author's key order when written back

// Parses text as one JSON object, stricter than the peer's encoding/json: a duplicate key
// (which Go silently resolves to the last one) and nesting deeper than 64 are refused.
// Errors read "<where>: <cause>" and never quote the text, which may hold a private key.
Json parse_object(std::string_view text, const std::string& where);

// "a string", "a number", ... for messages.
std::string type_name(const Json& value);

} // namespace ccaas::json
