#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// The first message a chaincode server sends on /protos.Chaincode/Connect: a gRPC frame holding
// a ChaincodeMessage (fabric-protos peer/chaincode_shim.proto) of type REGISTER whose payload is
// a ChaincodeID (peer/chaincode.proto) naming the chaincode ID the server was started with.
namespace ccaas::probe {

struct GrpcFrame {
  bool compressed = false;
  std::string_view message;
};

// The first length-prefixed gRPC message in body (1 byte flag, 4 bytes big-endian length);
// empty while body does not hold it whole yet.
std::optional<GrpcFrame> first_grpc_frame(std::string_view body);

struct ChaincodeMessageInfo {
  std::int64_t type = 0;    // 1 = REGISTER
  std::string chaincode_id; // ChaincodeID.name from the payload, when type is REGISTER
};

inline constexpr std::int64_t k_register = 1;

// Decodes the protobuf; error text on malformed input.
struct DecodeResult {
  std::optional<ChaincodeMessageInfo> info;
  std::string error;
};
DecodeResult decode_chaincode_message(std::string_view message);

// "REGISTER", "KEEPALIVE", ... or the number.
std::string message_type_name(std::int64_t type);

} // namespace ccaas::probe
