#pragma once

#include <filesystem>
#include <string>

// Another process's file system, seen through /proc/PID/root (proc(5)): the kernel follows that
// link into the process's root, but a symlink met below it whose target is absolute would be
// followed from this process's own root. A ConfigMap volume is made of such links
// (core.yaml -> ..data/core.yaml; a FABRIC_CFG_PATH that is a link to /etc/...), so every path
// of the other process is resolved here, component by component, inside its root, as its own
// lookups resolve it (what openat2's RESOLVE_IN_ROOT does, in user space).
namespace ccaas::file {

class RootView
{
public:
  // root: "/" (this process's own file system) or "/proc/PID/root".
  explicit RootView(std::filesystem::path root = "/");

  bool own() const { return m_own; }
  const std::filesystem::path& root() const { return m_root; }

  // Where a path of the viewed process lies for this process: with every symlink resolved inside
  // the root ("/" alone: the path as given, left to the kernel). A path that cannot be resolved
  // (a missing component, a loop) keeps its unresolved rest, so that opening it fails as the
  // other process's open would.
  std::filesystem::path at(const std::filesystem::path& path) const;

  // The same path as the viewed process names it, every link resolved: for mount look-ups.
  std::filesystem::path resolved(const std::filesystem::path& path) const;

private:
  std::filesystem::path m_root;
  bool m_own;
};

} // namespace ccaas::file
