#include "ccaas/steps/detect.hpp"

#include "ccaas/contract/metadata.hpp"

namespace ccaas::steps {

bool detect(const DetectInput& input)
{
  return contract::is_ccaas_type(contract::read_metadata(input.metadata_dir).type);
}

} // namespace ccaas::steps
