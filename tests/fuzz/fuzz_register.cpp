// What a chaincode server sends first: a gRPC frame holding a ChaincodeMessage.
#include "ccaas/probe/register_message.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace ccaas::probe;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  if (const auto frame = first_grpc_frame(body)) {
    const DecodeResult decoded = decode_chaincode_message(frame->message);
    if (decoded.info) {
      (void)message_type_name(decoded.info->type);
    }
  }
  (void)decode_chaincode_message(body);
  return 0;
}
