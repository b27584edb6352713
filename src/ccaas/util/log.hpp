#pragma once

#include <string_view>

// One line per message on stderr, prefixed with the step's name: the peer logs each stderr
// line at INFO and discards stdout (core/container/externalbuilder/session.go).
namespace ccaas::log {

void set_step(std::string_view step);
void info(std::string_view message);
void warning(std::string_view message);
void error(std::string_view message);

// The line as it would be written, without the newline. Control characters become spaces,
// anything from a PEM armour line on is replaced, and the length is capped well below the
// 64 KiB a bufio.Scanner accepts.
std::string make_line(std::string_view step, std::string_view level, std::string_view message);

} // namespace ccaas::log
