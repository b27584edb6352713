#include "ccaas/util/program_file.hpp"

#include "ccaas/util/fd.hpp"

#include <elf.h>
#include <fcntl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <sstream>

namespace ccaas::program {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t k_head = 4096;
constexpr std::size_t k_max_elf_read = 64 * 1024; // program headers lie near the start

template <typename T>
bool read_at(std::string_view bytes, std::size_t offset, T& out)
{
  if (offset > bytes.size() || bytes.size() - offset < sizeof(T)) {
    return false;
  }
  std::memcpy(&out, bytes.data() + offset, sizeof(T));
  return true;
}

// The loader named by PT_INTERP, for either class; programs of this project's machines are
// little-endian, and a big-endian one is named by its machine before its loader matters.
template <typename Ehdr, typename Phdr>
std::string loader_of(std::string_view bytes)
{
  Ehdr header{};
  if (!read_at(bytes, 0, header)) {
    return {};
  }
  for (std::size_t i = 0; i < header.e_phnum; ++i) {
    Phdr ph{};
    if (!read_at(bytes, header.e_phoff + i * header.e_phentsize, ph)) {
      return {};
    }
    if (ph.p_type == PT_INTERP && ph.p_offset < bytes.size()) {
      const std::size_t size = std::min<std::size_t>(ph.p_filesz, bytes.size() - ph.p_offset);
      std::string name(bytes.substr(ph.p_offset, size));
      name.erase(std::find(name.begin(), name.end(), '\0'), name.end());
      return name;
    }
  }
  return {};
}

std::string unescape(const std::string& text)
{
  // mountinfo writes a blank as \040, a tab as \011, a newline as \012, a backslash as \134
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 3 < text.size()) {
      const std::string digits = text.substr(i + 1, 3);
      if (digits.size() == 3
          && std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '7'; })) {
        out += static_cast<char>(std::stoi(digits, nullptr, 8));
        i += 3;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

bool under(const fs::path& path, const std::string& point)
{
  const std::string p = path.string();
  if (point == "/") {
    return true;
  }
  return p == point || (p.size() > point.size() && p.compare(0, point.size(), point) == 0 && p[point.size()] == '/');
}

} // namespace

ProgramFile parse_program(std::string_view head, std::string_view whole_for_elf)
{
  ProgramFile out;
  if (head.size() >= 2 && head.substr(0, 2) == "#!") {
    out.format = Format::script;
    std::string_view line =
      head.substr(2, head.find('\n') == std::string_view::npos ? head.size() - 2 : head.find('\n') - 2);
    // binfmt_script: blanks (space, tab) before the path; the path ends at a blank; the rest,
    // trimmed, is one argument. A '\r' is no blank: it stays in the name.
    std::size_t start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos) {
      return out;
    }
    line = line.substr(start);
    const std::size_t end = line.find_first_of(" \t");
    out.interpreter = std::string(line.substr(0, end));
    if (end != std::string_view::npos) {
      std::string_view rest = line.substr(end);
      const std::size_t a = rest.find_first_not_of(" \t");
      if (a != std::string_view::npos) {
        rest = rest.substr(a);
        rest = rest.substr(0, rest.find_last_not_of(" \t") + 1);
        out.argument = std::string(rest);
      }
    }
    out.carriage_return = (!out.interpreter.empty() && out.interpreter.back() == '\r')
                          || (!out.argument.empty() && out.argument.back() == '\r');
    return out;
  }
  if (head.size() >= SELFMAG && std::memcmp(head.data(), ELFMAG, SELFMAG) == 0 && head.size() > EI_CLASS) {
    out.format = Format::elf;
    Elf64_Half machine = 0;
    read_at(head, offsetof(Elf64_Ehdr, e_machine), machine); // the same offset in both classes
    out.machine = machine;
    out.loader = head[EI_CLASS] == ELFCLASS64 ? loader_of<Elf64_Ehdr, Elf64_Phdr>(whole_for_elf)
                                              : loader_of<Elf32_Ehdr, Elf32_Phdr>(whole_for_elf);
  }
  return out;
}

std::optional<ProgramFile> inspect_program(const fs::path& path)
{
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) {
    return std::nullopt;
  }
  std::string bytes(k_max_elf_read, '\0');
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::read(fd.get(), bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    got += static_cast<std::size_t>(n);
  }
  bytes.resize(got);
  return parse_program(std::string_view(bytes).substr(0, k_head), bytes);
}

std::string machine_name(std::uint16_t machine)
{
  switch (machine) {
    case EM_X86_64:
      return "x86-64";
    case EM_AARCH64:
      return "AArch64";
    case EM_386:
      return "Intel 80386";
    case EM_ARM:
      return "ARM";
    case EM_PPC64:
      return "PowerPC64";
    case EM_S390:
      return "IBM S/390";
    case EM_RISCV:
      return "RISC-V";
    default:
      return "machine " + std::to_string(machine);
  }
}

std::uint16_t native_machine()
{
  utsname name{};
  if (::uname(&name) != 0) {
    return EM_NONE;
  }
  const std::string m = name.machine;
  if (m == "x86_64") {
    return EM_X86_64;
  }
  if (m == "aarch64" || m == "arm64") {
    return EM_AARCH64;
  }
  if (m == "ppc64le" || m == "ppc64") {
    return EM_PPC64;
  }
  if (m == "s390x") {
    return EM_S390;
  }
  if (m == "riscv64") {
    return EM_RISCV;
  }
  return EM_NONE;
}

std::string visible(std::string_view text)
{
  std::string out;
  for (const char c : text) {
    if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
  return out;
}

bool Mount::has(std::string_view option) const
{
  return std::find(options.begin(), options.end(), option) != options.end();
}

std::optional<Mount> mount_of(const std::string& mountinfo, const fs::path& path)
{
  // "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue"
  std::optional<Mount> best;
  std::istringstream lines(mountinfo);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string id, parent, device, root, point, options;
    if (!(fields >> id >> parent >> device >> root >> point >> options)) {
      continue;
    }
    std::string word;
    while (fields >> word && word != "-") {
    }
    Mount mount;
    mount.point = unescape(point);
    fields >> mount.fstype >> mount.source;
    mount.source = unescape(mount.source);
    std::istringstream opts(options);
    std::string option;
    while (std::getline(opts, option, ',')) {
      mount.options.push_back(option);
    }
    if (under(path, mount.point) && (!best || mount.point.size() >= best->point.size())) {
      best = std::move(mount);
    }
  }
  return best;
}

} // namespace ccaas::program
