// The template renderer: the input is the variable's value, a NUL byte, then the template.
#include "ccaas/config/template.hpp"
#include "ccaas/util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t split = input.find('\0');
  const std::string value(input.substr(0, split));
  const std::string_view text = split == std::string_view::npos ? std::string_view() : input.substr(split + 1);
  try {
    const auto template_data = ccaas::config::TemplateData::from_env_value(value);
    const auto rendered = ccaas::config::render_template(text, template_data);
    if (rendered.error.empty() && !ccaas::config::has_template_action(text) && rendered.text != text) {
      __builtin_trap(); // text without actions renders as itself
    }
  } catch (const ccaas::Failure&) {
  }
  return 0;
}
