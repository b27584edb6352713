#include "ccaas/probe/register_message.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ccaas::probe;

namespace {

// The reply fabric-shim 2.5.8 sends (probe-wire.md): a gRPC frame holding ChaincodeMessage
// {type: REGISTER, payload: ChaincodeID{name: ccid}}.
std::string register_frame(const std::string& ccid, int type = 1)
{
  std::string id = "\x12" + std::string(1, static_cast<char>(ccid.size())) + ccid;
  std::string message =
    "\x08" + std::string(1, static_cast<char>(type)) + "\x1a" + std::string(1, static_cast<char>(id.size())) + id;
  std::string frame(5, '\0');
  frame[4] = static_cast<char>(message.size());
  return frame + message;
}

} // namespace

TEST_CASE("the REGISTER message of a chaincode server decodes to its chaincode ID")
{
  const std::string ccid = "probe_1.0:" + std::string(64, '0');
  const std::string body = register_frame(ccid);
  CHECK(static_cast<unsigned char>(body[4]) == 0x50); // 80 bytes, as on the wire
  const auto frame = first_grpc_frame(body);
  REQUIRE(frame.has_value());
  CHECK_FALSE(frame->compressed);
  const DecodeResult decoded = decode_chaincode_message(frame->message);
  REQUIRE(decoded.info.has_value());
  CHECK(decoded.info->type == k_register);
  CHECK(decoded.info->chaincode_id == ccid);
}

TEST_CASE("partial frames wait, other messages and broken protobuf are named")
{
  const std::string body = register_frame("cc:1");
  CHECK_FALSE(first_grpc_frame(body.substr(0, 4)).has_value());
  CHECK_FALSE(first_grpc_frame(body.substr(0, body.size() - 1)).has_value());

  const auto keepalive = decode_chaincode_message(first_grpc_frame(register_frame("cc:1", 18))->message);
  REQUIRE(keepalive.info.has_value());
  CHECK(keepalive.info->type == 18);
  CHECK(keepalive.info->chaincode_id.empty());
  CHECK(message_type_name(18) == "KEEPALIVE");
  CHECK(message_type_name(1) == "REGISTER");
  CHECK(message_type_name(12) == "type 12");
  CHECK(message_type_name(99) == "type 99");

  CHECK(decode_chaincode_message("\x08").error == "the message is not a valid protobuf");
  CHECK(decode_chaincode_message("\x1a\x05\x12").error == "the message is not a valid protobuf");
  CHECK(decode_chaincode_message(std::string("\x08\x01\x1a\x02\x12\x05", 6)).error
        == "the REGISTER payload is not a valid ChaincodeID");
  CHECK(decode_chaincode_message("\x0b").error == "the message is not a valid protobuf"); // group wire type
  // unknown fields of every wire type are skipped
  const std::string with_extras =
    std::string("\x10\x07\x19", 3) + std::string(8, 'x') + std::string("\x25", 1) + std::string(4, 'y') + "\x08\x01";
  const auto extras = decode_chaincode_message(with_extras);
  REQUIRE(extras.info.has_value());
  CHECK(extras.info->type == 1);
}
