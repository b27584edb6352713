#include "ccaas/probe/curl_words.hpp"

#include <curl/curl.h>

namespace ccaas::probe {

std::string failure_words(int code)
{
  switch (static_cast<CURLcode>(code)) {
    case CURLE_OK:
      return "";
    case CURLE_SEND_ERROR:
      return "sending to the server failed: it had closed or reset the connection";
    case CURLE_RECV_ERROR:
      return "reading from the server failed: it had closed or reset the connection";
    case CURLE_GOT_NOTHING:
      return "the server closed the connection without answering";
    case CURLE_OPERATION_TIMEDOUT:
      return "no answer in time";
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return "the server broke the HTTP/2 exchange off";
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return "the server's reply is not HTTP";
    case CURLE_SSL_CONNECT_ERROR:
      return "the server broke the handshake off";
    case CURLE_PEER_FAILED_VERIFICATION:
      return "the server's certificate did not verify";
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
      return "the TLS material could not be used";
    case CURLE_COULDNT_CONNECT:
      return "the connection failed";
    case CURLE_URL_MALFORMAT:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_SETOPT_OPTION_SYNTAX:
    case CURLE_OUT_OF_MEMORY:
    case CURLE_FAILED_INIT:
    case CURLE_COULDNT_RESOLVE_HOST:
      return ""; // the probe's own set-up (a name pinned to its address is never looked up)
    default:
      return "the exchange with the server failed (code " + std::to_string(static_cast<int>(code)) + ")";
  }
}

} // namespace ccaas::probe
