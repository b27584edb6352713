#include "ccaas/steps/doctor_checks.hpp"

#include "ccaas/contract/metadata.hpp"
#include "ccaas/util/fd.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>

// What becomes of a package no builder claims: the peer falls back to Docker at vm.endpoint
// (core/container/container.go, Router.Build), which builds it, fails with "Unknown
// chaincodeType", does not answer, or is disabled ("docker build is disabled").
namespace ccaas::steps::doctor_checks {

bool docker_answers(const contract::PeerConfig& config, const DoctorInput& input)
{
  constexpr std::string_view k_unix = "unix://";
  if (config.vm_endpoint.rfind(k_unix, 0) != 0) {
    return false;
  }
  // The socket resolved inside the peer's root, then reached through its descriptor.
  const file::InRoot socket_file = input.peer.root.open(config.vm_endpoint.substr(k_unix.size()));
  if (!socket_file.ok()) {
    return false;
  }
  const std::string path = socket_file.path().string();
  sockaddr_un address{};
  if (path.size() >= sizeof address.sun_path) {
    return false;
  }
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.data(), path.size());
  const UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  return fd.get() >= 0 && ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
}

std::string fallback_words(const contract::PeerConfig& config, const DoctorInput& input, const std::string& type)
{
  if (config.vm_endpoint.empty()) {
    return "the peer falls back to Docker, and vm.endpoint is empty: the install fails with \"docker build is "
           "disabled\"";
  }
  if (docker_answers(config, input)) {
    return "the peer falls back to Docker at " + config.vm_endpoint
           + (contract::is_server_type(type) ? ", which fails with \"Unknown chaincodeType: " + uppercase(type) + "\""
                                             : ", which builds it as a " + type + " chaincode");
  }
  return "the peer falls back to Docker at " + config.vm_endpoint
         + ", which does not answer: the install fails with a Docker error (\"dial unix ...docker.sock\")";
}

void check_fallback(const contract::PeerConfig& config, const DoctorInput& input, Findings& findings)
{
  if (config.vm_endpoint.empty()) {
    findings.add(Severity::ok,
                 k_builders,
                 "vm.endpoint",
                 "empty: a package no builder claims fails to install with \"docker build is disabled\"");
  } else if (docker_answers(config, input)) {
    findings.add(Severity::ok,
                 k_builders,
                 "vm.endpoint",
                 config.vm_endpoint
                   + " answers: a package no builder claims is built by Docker, and a ccaas one fails "
                     "there with \"Unknown chaincodeType: CCAAS\"");
  } else {
    // internal/peer/node/start.go: with vm.endpoint set, the peer registers a Docker health
    // checker with its operations service (DockerVM.HealthCheck pings the daemon).
    findings.add(Severity::warning,
                 k_builders,
                 "vm.endpoint",
                 config.vm_endpoint
                   + " does not answer: a package no builder claims fails to install with a "
                     "Docker error (docker.sock), which hides that no builder claimed it; and the peer's "
                     "operations /healthz answers 503 (its docker check: \"failed to ping to Docker daemon\"), so "
                     "a liveness or readiness probe on /healthz fails the pod",
                 "set vm.endpoint to \"\" in core.yaml, so that such a failure says \"docker build is disabled\" "
                 "(CORE_VM_ENDPOINT=\"\" does not do it: the peer ignores an empty variable)");
  }
}

} // namespace ccaas::steps::doctor_checks
