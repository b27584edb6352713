#pragma once

// `run --doctor-scratch`: the doctor's scratch work in a peer's root, done by this program run
// there as the peer runs a builder (confined by spawn: chrooted into the peer's root, as the peer's
// user and groups, with no capability the peer lacks), so that whatever the peer's files hold
// (links, a TMPDIR that is a link, a package that is not what it says) can reach nothing the peer
// itself could not. Not for operators; the doctor runs it.
//   run --doctor-scratch lay-out TMPDIR BUDGET [PACKAGE]
//     a fresh folder TMPDIR/ccaas-doctor-XXXXXX holding src/ and metadata/ as the peer lays out a
//     package before detect (PACKAGE's metadata.json and code.tar.gz, at most BUDGET bytes
//     unpacked; without PACKAGE, a minimal ccaas package); prints the folder, then the bytes
//     unpacked, one a line; on failure, one line on stderr, exit 1, and nothing left.
//   run --doctor-scratch remove DIR
//     removes a folder lay-out made (its name must be one), never following a link.
namespace ccaas::cli {

inline constexpr const char* k_scratch_prefix = "ccaas-doctor-";

int run_scratch(int argc, char** argv);

} // namespace ccaas::cli
