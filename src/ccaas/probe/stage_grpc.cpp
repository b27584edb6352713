#include "ccaas/probe/register_message.hpp"
#include "ccaas/probe/stages.hpp"

namespace ccaas::probe {

namespace {

std::string header_of(const CallResult& result, const char* name)
{
  const auto it = result.headers.find(name);
  return it == result.headers.end() ? std::string() : it->second;
}

} // namespace

bool grpc_stage(Session& session, const CallResult& result)
{
  const double ms = result.message_ms >= 0 ? result.message_ms - result.headers_ms : 0;
  const std::string content_type = header_of(result, "content-type");
  const std::string grpc_status = header_of(result, "grpc-status");
  if (content_type.rfind("application/grpc", 0) != 0 && grpc_status.empty()) {
    session.fail(Stage::grpc,
                 ms,
                 "HTTP/2 " + std::to_string(result.status) + ", content-type "
                   + (content_type.empty() ? "none" : content_type),
                 "not gRPC: an HTTP/2 server answered without gRPC (status " + std::to_string(result.status) + ")",
                 "something else listens on this port (a web server, a proxy): point address at the chaincode server");
    return false;
  }
  if (result.message_ms < 0) {
    if (!grpc_status.empty() && grpc_status != "0") {
      const std::string message = header_of(result, "grpc-message");
      if (grpc_status == "12") {
        session.fail(Stage::grpc,
                     ms,
                     "grpc-status 12 (UNIMPLEMENTED) " + message,
                     "a gRPC server, but not a chaincode: /protos.Chaincode/Connect is UNIMPLEMENTED",
                     "this port serves another gRPC service (the peer itself? an orderer?): point address at the "
                     "chaincode server");
      } else {
        session.fail(Stage::grpc,
                     ms,
                     "grpc-status " + grpc_status + " " + message,
                     "the chaincode server refused the stream: grpc-status " + grpc_status
                       + (message.empty() ? "" : " (" + message + ")"),
                     "check the chaincode server's log");
      }
      return false;
    }
    session.fail(Stage::grpc,
                 ms,
                 result.timed_out ? "no message" : "the stream ended without a message",
                 result.timed_out ? "connected, but the server sent no REGISTER in time"
                                  : "the server ended the stream without sending REGISTER",
                 "the peer would wait out chaincode.startuptimeout (5m): is this the chaincode server, and did it "
                 "start cleanly?");
    return false;
  }
  const auto frame = first_grpc_frame(result.body);
  if (frame->compressed) {
    session.fail(Stage::grpc,
                 ms,
                 "compressed message",
                 "the first message is compressed, which the probe cannot read",
                 "the peer asks for no compression; check the server");
    return false;
  }
  const DecodeResult decoded = decode_chaincode_message(frame->message);
  if (!decoded.info) {
    session.fail(Stage::grpc,
                 ms,
                 decoded.error,
                 "the first message is not a ChaincodeMessage: " + decoded.error,
                 "this is a gRPC server, but not a Fabric chaincode");
    return false;
  }
  if (decoded.info->type != k_register) {
    session.fail(Stage::grpc,
                 ms,
                 "first message " + message_type_name(decoded.info->type),
                 "the first message is " + message_type_name(decoded.info->type) + ", not REGISTER",
                 "a chaincode server opens with REGISTER: check the chaincode's shim version");
    return false;
  }
  session.report.ccid_reported = decoded.info->chaincode_id;
  session.pass(Stage::grpc, ms, "REGISTER as " + decoded.info->chaincode_id);
  return true;
}

} // namespace ccaas::probe
