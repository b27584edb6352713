#pragma once

#include <string>
#include <string_view>
#include <vector>

// One line per message on stderr, prefixed with the step's name: the peer logs each stderr
// line at INFO and discards stdout (core/container/externalbuilder/session.go).
namespace ccaas::log {

void set_step(std::string_view step);
void info(std::string_view message);
void warning(std::string_view message);
void error(std::string_view message);

// While one exists, every error message is also kept, for callers that report them another way
// (run --check --json).
class ErrorCapture
{
public:
  ErrorCapture();
  ~ErrorCapture();
  ErrorCapture(const ErrorCapture&) = delete;
  ErrorCapture& operator=(const ErrorCapture&) = delete;

  const std::vector<std::string>& errors() const { return m_errors; }

private:
  std::vector<std::string> m_errors;
  std::vector<std::string>* m_previous;
};

// While one exists, info lines are not written (warnings and errors still are): for steps run
// inside another, whose own report says what matters.
class InfoMute
{
public:
  InfoMute();
  ~InfoMute();
  InfoMute(const InfoMute&) = delete;
  InfoMute& operator=(const InfoMute&) = delete;

private:
  bool m_previous;
};

// The line as it would be written, without the newline. Control characters become spaces,
// anything from a PEM armour line on is replaced, and the length is capped well below the
// 64 KiB a bufio.Scanner accepts.
std::string make_line(std::string_view step, std::string_view level, std::string_view message);

} // namespace ccaas::log
