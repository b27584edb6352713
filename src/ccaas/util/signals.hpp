#pragma once

namespace ccaas::signals {

// A write to a socket the other side has closed or reset must fail with EPIPE, not kill the
// step: OpenSSL, libcurl and nghttp2 write to sockets without MSG_NOSIGNAL on some paths.
// Every entry point calls this first.
void ignore_broken_pipes();

// Installs SIGTERM/SIGINT handlers that only make termination_fd() readable. Long waits (the
// probe) poll it, so that `run` can leave within a second of the peer's SIGTERM.
void install_termination_handlers();
int termination_fd(); // readable once a termination signal arrived; -1 before install

} // namespace ccaas::signals
