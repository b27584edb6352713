#pragma once

#include "ccaas/steps/doctor.hpp"
#include "ccaas/util/log.hpp"

#include <sys/types.h>

#include <string>

// The peer `run --doctor --pid` examines: found by ID or name, read from outside through /proc,
// with the resolver files it resolves names with; and, at the end of a run, checked to be the
// same process still.
namespace ccaas::cli {

// A process ID (1 to 9 digits, not 0), or a name as the kernel keeps it (at most 15 bytes, no
// '/'), printable.
bool valid_process(const std::string& value);

// The peer of another container, read through /proc (--pid PID or NAME): its environment, root,
// user and mounts, and the resolver files it resolves names with.
void read_peer(const std::string& spec, steps::DoctorInput& input);

// Throws OwnTrouble when the peer the run began with has ended or been replaced.
void same_peer(const steps::DoctorInput& input);

// --serve --pid: the peer read again before a run, a restart said once.
void follow_peer(const std::string& spec, steps::DoctorInput& input, log::Reporter& reporter);

} // namespace ccaas::cli
