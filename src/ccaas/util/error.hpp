#pragma once

#include <stdexcept>
#include <string>

namespace ccaas {

// A failure the operator can act on. what() is one complete line: subject first, then the
// cause after ": ", with no secret in it. cli::run_step turns it into exit code 1.
class Failure : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

// The program's own environment failed it (no writable scratch space, a library that refused
// its set-up), not the input it was given: a check says it could not run, and gives no verdict.
class OwnTrouble : public Failure
{
public:
  using Failure::Failure;
};

// A failure whose lines were already written (several problems, one line each): the step exits
// 1 without another line.
class ReportedFailure : public Failure
{
public:
  ReportedFailure()
    : Failure("problems reported above")
  {
  }
};

} // namespace ccaas
