#include "ccaas/util/archive.hpp"

#include "ccaas/util/error.hpp"

#include <boost/process.hpp>

#include <istream>

namespace ccaas::file {

namespace bp = boost::process;

void extract_tar_gz(const std::filesystem::path& archive,
                    const std::filesystem::path& into,
                    const std::vector<std::string>& members)
{
  const boost::filesystem::path tar = bp::search_path("tar");
  if (tar.empty()) {
    throw Failure(archive.string()
                  + ": cannot read the package: no tar program in PATH (pass the unpacked "
                    "package directory instead)");
  }
  std::vector<std::string> args{
    "-xzf", archive.string(), "-C", into.string(), "--no-same-owner", "--no-same-permissions"};
  args.insert(args.end(), members.begin(), members.end());
  bp::ipstream errors;
  bp::child child(tar, bp::args(args), bp::std_in<bp::null, bp::std_out> bp::null, bp::std_err > errors);
  std::string first_error;
  for (std::string line; std::getline(errors, line);) {
    if (first_error.empty() && !line.empty()) {
      first_error = line;
    }
  }
  child.wait();
  if (child.exit_code() != 0) {
    throw Failure(archive.string() + ": not a readable .tar.gz"
                  + (first_error.empty() ? std::string() : " (tar: " + first_error + ")"));
  }
}

} // namespace ccaas::file
