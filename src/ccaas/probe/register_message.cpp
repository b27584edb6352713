#include "ccaas/probe/register_message.hpp"

#include <array>

namespace ccaas::probe {

namespace {

class Reader
{
public:
  explicit Reader(std::string_view data)
    : m_data(data)
  {
  }

  bool done() const { return m_pos >= m_data.size(); }

  bool varint(std::uint64_t& out)
  {
    out = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (m_pos >= m_data.size()) {
        return false;
      }
      const auto byte = static_cast<unsigned char>(m_data[m_pos++]);
      out |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        return true;
      }
    }
    return false;
  }

  bool bytes(std::string_view& out)
  {
    std::uint64_t length = 0;
    if (!varint(length) || length > m_data.size() - m_pos) {
      return false;
    }
    out = m_data.substr(m_pos, static_cast<std::size_t>(length));
    m_pos += static_cast<std::size_t>(length);
    return true;
  }

  bool skip(std::uint64_t wire_type)
  {
    std::uint64_t ignored = 0;
    std::string_view ignored_bytes;
    switch (wire_type) {
      case 0:
        return varint(ignored);
      case 1:
        return advance(8);
      case 2:
        return bytes(ignored_bytes);
      case 5:
        return advance(4);
      default:
        return false; // groups (3, 4) are not used by these messages
    }
  }

private:
  bool advance(std::size_t n)
  {
    if (n > m_data.size() - m_pos) {
      return false;
    }
    m_pos += n;
    return true;
  }

  std::string_view m_data;
  std::size_t m_pos = 0;
};

} // namespace

std::optional<GrpcFrame> first_grpc_frame(std::string_view body)
{
  if (body.size() < 5) {
    return std::nullopt;
  }
  const auto b = [&body](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(body[i])); };
  const std::uint32_t length = (b(1) << 24) | (b(2) << 16) | (b(3) << 8) | b(4);
  if (body.size() - 5 < length) {
    return std::nullopt;
  }
  return GrpcFrame{body[0] != 0, body.substr(5, length)};
}

DecodeResult decode_chaincode_message(std::string_view message)
{
  ChaincodeMessageInfo info;
  std::string_view payload;
  bool has_payload = false;
  Reader reader(message);
  while (!reader.done()) {
    std::uint64_t key = 0;
    if (!reader.varint(key)) {
      return {std::nullopt, "the message is not a valid protobuf"};
    }
    const std::uint64_t field = key >> 3;
    const std::uint64_t wire_type = key & 7;
    if (field == 1 && wire_type == 0) {
      std::uint64_t type = 0;
      if (!reader.varint(type)) {
        return {std::nullopt, "the message is not a valid protobuf"};
      }
      info.type = static_cast<std::int64_t>(type);
    } else if (field == 3 && wire_type == 2) {
      if (!reader.bytes(payload)) {
        return {std::nullopt, "the message is not a valid protobuf"};
      }
      has_payload = true;
    } else if (!reader.skip(wire_type)) {
      return {std::nullopt, "the message is not a valid protobuf"};
    }
  }
  if (info.type == k_register && has_payload) {
    Reader id_reader(payload);
    while (!id_reader.done()) {
      std::uint64_t key = 0;
      if (!id_reader.varint(key)) {
        return {std::nullopt, "the REGISTER payload is not a valid ChaincodeID"};
      }
      if ((key >> 3) == 2 && (key & 7) == 2) {
        std::string_view name;
        if (!id_reader.bytes(name)) {
          return {std::nullopt, "the REGISTER payload is not a valid ChaincodeID"};
        }
        info.chaincode_id = std::string(name);
      } else if (!id_reader.skip(key & 7)) {
        return {std::nullopt, "the REGISTER payload is not a valid ChaincodeID"};
      }
    }
  }
  return {info, {}};
}

std::string message_type_name(std::int64_t type)
{
  // ChaincodeMessage.Type in fabric-protos peer/chaincode_shim.proto
  static constexpr std::array<const char*, 24> k_names = {"UNDEFINED",
                                                          "REGISTER",
                                                          "REGISTERED",
                                                          "INIT",
                                                          "READY",
                                                          "TRANSACTION",
                                                          "COMPLETED",
                                                          "ERROR",
                                                          "GET_STATE",
                                                          "PUT_STATE",
                                                          "DEL_STATE",
                                                          "INVOKE_CHAINCODE",
                                                          "",
                                                          "RESPONSE",
                                                          "GET_STATE_BY_RANGE",
                                                          "GET_QUERY_RESULT",
                                                          "QUERY_STATE_NEXT",
                                                          "QUERY_STATE_CLOSE",
                                                          "KEEPALIVE",
                                                          "GET_HISTORY_FOR_KEY",
                                                          "GET_STATE_METADATA",
                                                          "PUT_STATE_METADATA",
                                                          "GET_PRIVATE_DATA_HASH",
                                                          "PURGE_PRIVATE_DATA"};
  if (type >= 0 && type < static_cast<std::int64_t>(k_names.size())
      && k_names[static_cast<std::size_t>(type)][0] != '\0') {
    return k_names[static_cast<std::size_t>(type)];
  }
  return "type " + std::to_string(type);
}

} // namespace ccaas::probe
