#pragma once

#include <string>
#include <string_view>

// Where a step's messages go. The peer logs each stderr line of a builder at INFO and discards
// stdout (core/container/externalbuilder/session.go): one line per message, prefixed with the
// step's name. Steps are handed a Reporter; only the command line makes the one on stderr.
namespace ccaas::log {

class Reporter
{
public:
  virtual ~Reporter() = default;
  virtual void info(std::string_view message) = 0;
  virtual void warning(std::string_view message) = 0;
  virtual void error(std::string_view message) = 0;
};

// "<step>: <message>", "<step>: warning: <message>", "<step>: error: <message>" on stderr.
class StderrReporter final : public Reporter
{
public:
  explicit StderrReporter(std::string step);
  void info(std::string_view message) override;
  void warning(std::string_view message) override;
  void error(std::string_view message) override;

private:
  std::string m_step;
};

// The line as it would be written, without the newline. Control characters become spaces, every
// PEM block (armour to armour) becomes "[PEM redacted]" with the rest of the line kept, and the
// length is capped well below the 64 KiB a bufio.Scanner accepts.
std::string make_line(std::string_view step, std::string_view level, std::string_view message);

} // namespace ccaas::log
