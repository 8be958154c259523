#include "secrets/sodium_init.h"

#include <sodium.h>

#include <stdexcept>

namespace batuta::secrets {

void EnsureSodium() {
  static const bool ready = [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    return true;
  }();
  (void)ready;
}

}  // namespace batuta::secrets
