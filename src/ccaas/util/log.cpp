#include "ccaas/util/log.hpp"

#include "ccaas/util/fd.hpp"

#include <unistd.h>

#include <cerrno>
#include <string>

namespace ccaas::log {

namespace {

std::string g_step = "ccaas-builder";
std::vector<std::string>* g_errors = nullptr;
bool g_info_muted = false;
constexpr std::size_t k_max_line = 4096;

void write_line(std::string_view level, std::string_view message)
{
  std::string line = make_line(g_step, level, message);
  line += '\n';
  write_fully(STDERR_FILENO, line); // nowhere left to report a failure
}

} // namespace

void set_step(std::string_view step)
{
  g_step = step;
}

std::string make_line(std::string_view step, std::string_view level, std::string_view message)
{
  std::string line;
  line.reserve(step.size() + level.size() + message.size() + 4);
  line.append(step).append(": ");
  if (!level.empty()) {
    line.append(level).append(": ");
  }
  // Never let key material reach the peer log, whatever the caller passed.
  if (const auto armour = message.find("-----BEGIN"); armour != std::string_view::npos) {
    message = message.substr(0, armour);
    line.append(message).append("[PEM redacted]");
  } else {
    line.append(message);
  }
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

void info(std::string_view message)
{
  if (!g_info_muted) {
    write_line("", message);
  }
}

void warning(std::string_view message)
{
  write_line("warning", message);
}

void error(std::string_view message)
{
  if (g_errors != nullptr) {
    g_errors->emplace_back(message);
  }
  write_line("error", message);
}

InfoMute::InfoMute()
  : m_previous(g_info_muted)
{
  g_info_muted = true;
}

InfoMute::~InfoMute()
{
  g_info_muted = m_previous;
}

ErrorCapture::ErrorCapture()
  : m_previous(g_errors)
{
  g_errors = &m_errors;
}

ErrorCapture::~ErrorCapture()
{
  g_errors = m_previous;
}

} // namespace ccaas::log
