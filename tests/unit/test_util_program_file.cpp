#include "ccaas/probe/resolve.hpp"
#include "ccaas/util/error.hpp"
#include "ccaas/util/program_file.hpp"
#include "ccaas/util/root_path.hpp"
#include "ccaas/util/spawn.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cstring>

using namespace ccaas;

TEST_CASE("program files: the #! line as the kernel splits it, a carriage return kept in the name")
{
  const program::ProgramFile sh = program::parse_program("#!/bin/sh\nexit 0\n", "");
  CHECK(sh.format == program::Format::script);
  CHECK(sh.interpreter == "/bin/sh");
  CHECK(sh.argument.empty());
  CHECK_FALSE(sh.carriage_return);

  const program::ProgramFile env = program::parse_program("#! /usr/bin/env  bash -e \n", "");
  CHECK(env.interpreter == "/usr/bin/env");
  CHECK(env.argument == "bash -e");

  const program::ProgramFile crlf = program::parse_program("#!/bin/sh\r\nexit 0\r\n", "");
  CHECK(crlf.interpreter == "/bin/sh\r");
  CHECK(crlf.carriage_return);
  CHECK(program::visible(crlf.interpreter) == "/bin/sh\\r");

  CHECK(program::parse_program("exit 0\n", "").format == program::Format::other);
}

TEST_CASE("program files: an ELF program's machine and dynamic loader")
{
  // A 64-bit header with one PT_INTERP program header naming the loader.
  std::string bytes(256, '\0');
  Elf64_Ehdr header{};
  std::memcpy(header.e_ident, ELFMAG, SELFMAG);
  header.e_ident[EI_CLASS] = ELFCLASS64;
  header.e_machine = EM_AARCH64;
  header.e_phoff = sizeof header;
  header.e_phentsize = sizeof(Elf64_Phdr);
  header.e_phnum = 1;
  Elf64_Phdr interp{};
  interp.p_type = PT_INTERP;
  interp.p_offset = 200;
  interp.p_filesz = 28;
  std::memcpy(bytes.data(), &header, sizeof header);
  std::memcpy(bytes.data() + sizeof header, &interp, sizeof interp);
  std::memcpy(bytes.data() + 200, "/lib/ld-linux-aarch64.so.1", 27);
  const program::ProgramFile elf = program::parse_program(bytes, bytes);
  CHECK(elf.format == program::Format::elf);
  CHECK(program::machine_name(elf.machine) == "AArch64");
  CHECK(elf.loader == "/lib/ld-linux-aarch64.so.1");
  CHECK(program::machine_name(EM_X86_64) == "x86-64");
}

TEST_CASE("mounts: the longest mount point over a path, its own options, escaped names")
{
  const std::string mountinfo = "22 1 0:21 / / rw,relatime - overlay overlay rw\n"
                                "30 22 0:30 / /opt/builders rw,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw\n"
                                "31 22 0:31 / /opt/my\\040builder ro,relatime - ext4 /dev/vda1 rw\n";
  const auto builders = program::mount_of(mountinfo, "/opt/builders/fabric/bin/detect");
  REQUIRE(builders);
  CHECK(builders->point == "/opt/builders");
  CHECK(builders->has("noexec"));
  CHECK(builders->fstype == "tmpfs");
  const auto spaced = program::mount_of(mountinfo, "/opt/my builder/bin/detect");
  REQUIRE(spaced);
  CHECK(spaced->point == "/opt/my builder");
  CHECK(spaced->has("ro"));
  const auto root = program::mount_of(mountinfo, "/opt/buildersX/bin/detect");
  REQUIRE(root);
  CHECK(root->point == "/");
  CHECK_FALSE(root->has("noexec"));
}

namespace {

std::string resolved_file(const file::RootView& view, const std::string& path, file::Last last = file::Last::follow)
{
  const file::InRoot in = view.open(path, O_RDONLY | O_NONBLOCK, last);
  if (!in.ok()) {
    return std::string("error: ") + std::strerror(in.error());
  }
  return test_support::read(in.path());
}

} // namespace

TEST_CASE("a root seen from outside: every path opened inside it, by openat2 and by the walk alike")
{
  test_support::TempDir dir;
  const std::filesystem::path root = dir.path() / "root";
  dir.write("root/etc/config/..2026_12_04_10_00_00.1/core.yaml", "peer: {}\n");
  dir.write("outside.yaml", "the doctor's own file\n"); // what a link must never reach
  std::filesystem::create_symlink("..2026_12_04_10_00_00.1", root / "etc/config/..data");
  std::filesystem::create_symlink("..data/core.yaml", root / "etc/config/core.yaml");
  std::filesystem::create_symlink("/etc/config", root / "cfg"); // absolute: the root's /etc, not ours
  std::filesystem::create_symlink("../../../../../etc", root / "up");
  std::filesystem::create_symlink(dir.path() / "outside.yaml", root / "escape"); // a path of ours, not the root's
  std::filesystem::create_symlink("/proc/self/root" + (dir.path() / "outside.yaml").string(), root / "magic");
  // chains: chain40 -> c1 -> ... -> c39 -> etc/config/core.yaml is 40 links (and the config's own 2 more)
  dir.write("root/target", "end of the chain\n");
  for (int i = 1; i <= 41; ++i) {
    std::filesystem::create_symlink(i == 41 ? std::string("/target") : "/l" + std::to_string(i + 1),
                                    root / ("l" + std::to_string(i)));
  }
  for (const bool walk : {false, true}) {
    CAPTURE(walk);
    file::force_walk_for_tests(walk);
    const file::RootView view(UniqueFd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)), root);
    CHECK(view.resolved("/cfg/core.yaml") == "/etc/config/..2026_12_04_10_00_00.1/core.yaml");
    CHECK(resolved_file(view, "/cfg/core.yaml") == "peer: {}\n");
    CHECK(view.resolved("/up/config") == "/etc/config"); // '..' at the root stays at the root
    CHECK(resolved_file(view, "/up/config/core.yaml") == "peer: {}\n");
    CHECK(view.resolved("/etc/missing/file") == "/etc/missing/file");
    CHECK(resolved_file(view, "/etc/missing/file") == "error: No such file or directory");
    CHECK(resolved_file(view, "/escape") == "error: No such file or directory"); // the root has no such path
    CHECK(resolved_file(view, "/magic") != "the doctor's own file\n");
    CHECK(resolved_file(view, "/l2") == "end of the chain\n");                       // 40 links: followed
    CHECK(resolved_file(view, "/l1") == "error: Too many levels of symbolic links"); // 41: ELOOP, as the kernel
    CHECK(resolved_file(view, "/etc/config/core.yaml", file::Last::nofollow)
          == "error: Too many levels of symbolic links");                    // open(O_NOFOLLOW) of a link
    CHECK(view.open("/etc/config/core.yaml", 0, file::Last::nofollow).ok()); // O_PATH: the link itself
    struct stat st = {};
    CHECK(view.open("/cfg").stat(st));
    CHECK(S_ISDIR(st.st_mode));
    CHECK(resolved_file(view, "/etc/config/core.yaml/x") == "error: Not a directory");
  }
  file::force_walk_for_tests(false);
  // A FIFO and, as root, a device: only looked up, never opened (opening a device can act)
  REQUIRE(::mkfifo((root / "fifo").c_str(), 0644) == 0);
  const file::RootView view(UniqueFd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)), root);
  const file::InRoot fifo = view.open("/fifo", O_RDONLY | O_NONBLOCK);
  CHECK_FALSE(fifo.ok());
  CHECK(S_ISFIFO(fifo.special()));
  CHECK_THROWS_WITH_AS(
    file::read_in_root(view, "/fifo", 1024, file::Last::follow), "/fifo: is a FIFO, not a regular file", Failure);
  if (::geteuid() == 0 && ::mknod((root / "null").c_str(), S_IFCHR | 0666, ::makedev(1, 3)) == 0) {
    std::filesystem::create_symlink("/null", root / "core.yaml");
    CHECK_THROWS_WITH_AS(file::read_in_root(view, "/core.yaml", 1024, file::Last::follow),
                         "/core.yaml: is a device, not a regular file",
                         Failure);
  }
  const file::RootView own;
  CHECK(own.own());
  CHECK(own.resolved("/etc/hosts") == "/etc/hosts");
  CHECK(own.open("/etc/hosts").ok());
}

TEST_CASE("the names a resolver tries: the search list before a short name, after a long one")
{
  const std::string conf = "search org1.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\n"
                           "options ndots:5\n";
  CHECK(probe::search_candidates("cc", conf)
        == std::vector<std::string>{"cc.org1.svc.cluster.local", "cc.svc.cluster.local", "cc.cluster.local", "cc"});
  CHECK(probe::search_candidates("a.b.c.d.e.f", conf).front() == "a.b.c.d.e.f");
  CHECK(probe::search_candidates("cc.", conf) == std::vector<std::string>{"cc"});
  CHECK(probe::search_candidates("cc.org1.test", "nameserver 127.0.0.1\n") == std::vector<std::string>{"cc.org1.test"});
}

TEST_CASE("spawn: a program's stderr kept, and a chroot this process may not make said as refused")
{
  test_support::TempDir dir;
  const std::filesystem::path file =
    dir.write("p", "#!/bin/sh\necho 'sh: 2: set: Illegal option -o pipefail' >&2\nexit 2\n");
  ::chmod(file.c_str(), 0755);
  spawn::Options options;
  options.capture_stderr = true;
  const spawn::Exit exit = spawn::run(file.string(), {}, {"PATH=/usr/bin:/bin"}, options);
  CHECK(exit.started);
  CHECK(exit.code == 2);
  CHECK(exit.stderr_text == "sh: 2: set: Illegal option -o pipefail\n");

  spawn::Options chrooted;
  const UniqueFd not_a_folder(::open(file.c_str(), O_PATH | O_CLOEXEC));
  chrooted.root_fd = not_a_folder.get();
  const spawn::Exit refused = spawn::run("/bin/true", {}, {}, chrooted);
  CHECK_FALSE(refused.started);
  CHECK(refused.setup_refused);
  CHECK(refused.error == "cannot enter its root (chroot): Not a directory");
}
