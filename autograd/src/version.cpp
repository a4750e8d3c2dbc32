#include "xgrad/version.hpp"

namespace xgrad {

const char* version() noexcept { return XGRAD_VERSION; }

}  // namespace xgrad
