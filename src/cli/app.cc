#include "cli/app.h"

namespace candor::cli {
int Main(int, char**) { return 0; }
}  // namespace candor::cli
