#include "ccaas/util/root_path.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <vector>

namespace ccaas::file {

namespace fs = std::filesystem;

namespace {

// Linux's own bound on links followed in one lookup (MAXSYMLINKS).
constexpr int k_max_links = 40;

std::vector<std::string> components(const fs::path& path)
{
  std::vector<std::string> out;
  for (const fs::path& part : path.relative_path()) {
    const std::string name = part.string();
    if (!name.empty() && name != ".") {
      out.push_back(name);
    }
  }
  return out;
}

std::string read_link(const fs::path& path)
{
  std::string target(4096, '\0');
  const ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
  if (n < 0) {
    return {};
  }
  target.resize(static_cast<std::size_t>(n));
  return target;
}

} // namespace

RootView::RootView(fs::path root)
  : m_root(std::move(root))
  , m_own(m_root == "/")
{
}

fs::path RootView::resolved(const fs::path& path) const
{
  // The components still to walk, last first, and the resolved ones so far.
  std::vector<std::string> pending = components(path.is_absolute() ? path : "/" / path);
  std::vector<std::string> pending_reversed(pending.rbegin(), pending.rend());
  std::vector<std::string> done;
  int links = 0;
  while (!pending_reversed.empty()) {
    const std::string name = pending_reversed.back();
    pending_reversed.pop_back();
    if (name == "..") {
      if (!done.empty()) {
        done.pop_back(); // ".." at the root stays at the root, as in a chroot
      }
      continue;
    }
    fs::path here = m_root;
    for (const std::string& d : done) {
      here /= d;
    }
    here /= name;
    struct stat st = {};
    if (::lstat(here.c_str(), &st) != 0 || !S_ISLNK(st.st_mode) || ++links > k_max_links) {
      // Not a link, or not there: taken as it is; a missing one fails the open later, as it should.
      done.push_back(name);
      continue;
    }
    const std::string target = read_link(here);
    if (target.empty()) {
      done.push_back(name);
      continue;
    }
    const fs::path target_path(target);
    if (target_path.is_absolute()) {
      done.clear(); // from the viewed process's root, not ours
    }
    const std::vector<std::string> more = components(target_path);
    pending_reversed.insert(pending_reversed.end(), more.rbegin(), more.rend());
  }
  fs::path out = "/";
  for (const std::string& d : done) {
    out /= d;
  }
  return out;
}

fs::path RootView::at(const fs::path& path) const
{
  if (m_own) {
    return path;
  }
  return m_root / resolved(path).relative_path();
}

} // namespace ccaas::file
