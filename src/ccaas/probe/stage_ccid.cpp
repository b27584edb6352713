#include "ccaas/contract/package_id.hpp"
#include "ccaas/probe/stages.hpp"

namespace ccaas::probe {

void ccid_stage(Session& session)
{
  if (!session.target.expected_ccid) {
    return; // nothing to compare with
  }
  const std::string& expected = *session.target.expected_ccid;
  const std::string& reported = *session.report.ccid_reported;
  if (expected == reported) {
    session.pass(Stage::ccid, 0, "chaincode ID " + reported + " is the one the peer launches");
    return;
  }
  const std::string detail = "expected " + expected + ", server registers as " + reported;
  const std::string error =
    "chaincode ID mismatch: the server registers as " + reported + ", but the peer launches " + expected;
  const auto ours = contract::parse_package_id(expected);
  const auto theirs = contract::parse_package_id(reported);
  if (ours && theirs && ours->label == theirs->label) {
    // The same label, another hash: two package files with different bytes, one per org (or per
    // peer), or an older package. The server registers with one ID only, and the peers that
    // launch the other wait out chaincode.startuptimeout: restarting it with this ID would break
    // the peers that work.
    session.fail(Stage::ccid,
                 0,
                 detail,
                 error + ": the same label " + ours->label + ", another package file",
                 "if peers of another org installed a package file of their own, every peer that uses this server "
                 "must install the identical file: package the same inputs with `run --package DIR --label "
                   + ours->label
                   + "` on each org's side (the same inputs give the same bytes, so the same package ID), or share "
                     "one file (compare 'peer lifecycle chaincode calculatepackageid' of each org's file); otherwise "
                     "each package ID needs a chaincode server of its own, since restarting this server with "
                   + expected + " would break the peers that launch " + reported + "; if " + reported
                   + " is an older package of this chaincode, restart the server with CHAINCODE_ID=" + expected);
    return;
  }
  session.fail(Stage::ccid,
               0,
               detail,
               error,
               "the peer rejects it (\"peer will not accept external chaincode connection\") and fails after "
               "chaincode.startuptimeout with \"timeout expired while starting chaincode\": restart the server with "
               "CHAINCODE_ID="
                 + expected);
}

} // namespace ccaas::probe
