#include "ccaas/steps/detect.hpp"

#include "ccaas/contract/metadata.hpp"

namespace ccaas::steps {

Outcome detect(const DetectInput& input)
{
  return contract::claims_type(input.types, contract::read_metadata(input.metadata_dir).type) ? Outcome::ok
                                                                                              : Outcome::not_ours;
}

} // namespace ccaas::steps
