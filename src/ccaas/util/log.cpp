#include "ccaas/util/log.hpp"

#include "ccaas/util/fd.hpp"

#include <unistd.h>

namespace ccaas::log {

namespace {

constexpr std::size_t k_max_line = 4096;
constexpr std::string_view k_begin = "-----BEGIN";
constexpr std::string_view k_end = "-----END";
constexpr std::string_view k_dashes = "-----";

void write_line(std::string_view step, std::string_view level, std::string_view message)
{
  std::string line = make_line(step, level, message);
  line += '\n';
  write_fully(STDERR_FILENO, line); // nowhere left to report a failure
}

// Appends message with each PEM block replaced: never let key material reach the peer log,
// whatever the caller passed.
void append_redacted(std::string& line, std::string_view message)
{
  while (!message.empty()) {
    const std::size_t begin = message.find(k_begin);
    if (begin == std::string_view::npos) {
      line.append(message);
      return;
    }
    line.append(message.substr(0, begin)).append("[PEM redacted]");
    const std::size_t end = message.find(k_end, begin);
    if (end == std::string_view::npos) {
      return; // no end armour: everything after the start is the block
    }
    const std::size_t close = message.find(k_dashes, end + k_end.size());
    message.remove_prefix(close == std::string_view::npos ? message.size() : close + k_dashes.size());
  }
}

} // namespace

StderrReporter::StderrReporter(std::string step)
  : m_step(std::move(step))
{
}

void StderrReporter::info(std::string_view message)
{
  write_line(m_step, "", message);
}

void StderrReporter::warning(std::string_view message)
{
  write_line(m_step, "warning", message);
}

void StderrReporter::error(std::string_view message)
{
  write_line(m_step, "error", message);
}

std::string make_line(std::string_view step, std::string_view level, std::string_view message)
{
  std::string line;
  line.reserve(step.size() + level.size() + message.size() + 4);
  line.append(step).append(": ");
  if (!level.empty()) {
    line.append(level).append(": ");
  }
  append_redacted(line, message);
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      c = ' ';
    }
  }
  if (line.size() > k_max_line) {
    line.resize(k_max_line - 3);
    line += "...";
  }
  return line;
}

} // namespace ccaas::log
