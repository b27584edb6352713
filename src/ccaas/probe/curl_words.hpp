#pragma once

#include <string>

// libcurl's result codes in the probe's own words: a verdict never quotes libcurl.
namespace ccaas::probe {

// What a transfer's result code (CURLcode) means on the wire; "" for CURLE_OK and for the codes
// that say the probe itself could not set the stream up.
std::string failure_words(int code);

} // namespace ccaas::probe
