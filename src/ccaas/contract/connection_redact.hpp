#pragma once

#include "ccaas/util/json_read.hpp"

// What of a connection.json may be shown, and what must never be: the redaction of PEM values
// (contract::redacted, declared with the connection), and the private-key test that decides a
// written file's mode.
namespace ccaas::contract {

// Whether any value, at any depth, is a PEM private key.
bool any_private_key(const json::Json& value);

} // namespace ccaas::contract
