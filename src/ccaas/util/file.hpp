#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace ccaas::file {

namespace fs = std::filesystem;

inline constexpr std::size_t k_max_contract_file = 1024 * 1024; // 1 MiB

// Whether a symlink as the file itself is followed: never inside a package (the peer refuses
// them there too), always in the peer's own configuration, which Kubernetes mounts as links
// (core.yaml -> ..data/core.yaml, ..data -> ..<timestamp>/).
enum class Links { refuse, follow };

// Reads a regular file of at most max_bytes. Refuses symlinks (unless links is follow),
// directories, FIFOs and devices without blocking on them. Throws Failure("<path>: <cause>").
std::string read_regular_file(const fs::path& path,
                              std::size_t max_bytes = k_max_contract_file,
                              Links links = Links::refuse);

// The same for a file already open (fd), named shown in messages: one opened inside another
// process's root (RootView::open).
std::string read_regular_fd(int fd, const fs::path& shown, std::size_t max_bytes = k_max_contract_file);

// Whether path names something (lstat, so a dangling symlink exists too).
bool exists_nofollow(const fs::path& path);

// Writes content to a temporary file beside target, synced to disk (fsync), then renames it over
// target, so that a reader sees either the old file, or nothing, or the whole new file, after a
// killed process and after a power loss alike. A crash leaves at most a hidden ".<name>.tmp*"
// file. The rename replaces a link at target, never what it points to.
void write_atomic(const fs::path& target, std::string_view content, mode_t mode);

// Creates dir and its missing parents with the given mode (before umask). Below an existing
// folder that holds them, it refuses a component that is a link (make_dirs_below).
void make_dirs(const fs::path& dir, mode_t mode);

// Creates base/relative and the folders between, refusing any of them that is a link or not a
// folder: what a step writes stays below the folder the peer gave it. Returns base/relative.
fs::path make_dirs_below(const fs::path& base, const fs::path& relative, mode_t mode);

// Copies the tree at source to target, which must not exist yet, through a temporary directory
// beside target and one rename. Only directories and regular files are copied; a symlink, FIFO,
// socket or device anywhere in the tree fails the copy (it could point outside the package).
// Returns the number of files copied.
std::size_t copy_tree_atomic(const fs::path& source, const fs::path& target);

// Removes a tree, never following symlinks; no error when it does not exist.
void remove_tree(const fs::path& path);

} // namespace ccaas::file
