#pragma once

#include "ccaas/probe/deadline.hpp"
#include "ccaas/probe/resolve.hpp"

namespace ccaas::probe {

// A second look at a server whose answer did not fit: what does it speak, if not what the
// peer expects? Each opens its own connection and sends only a protocol greeting.
enum class Protocol { unknown, tls, h2c, http1 };

Protocol sniff_protocol(const Endpoint& endpoint, const Deadline& deadline, const Cancel& cancel);

const char* protocol_name(Protocol protocol);

} // namespace ccaas::probe
