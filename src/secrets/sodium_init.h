#pragma once

namespace batuta::secrets {

// Runs sodium_init() once; call before any other libsodium function. Thread-safe. Throws
// std::runtime_error if libsodium cannot initialise (no usable entropy source), which leaves the
// server unable to protect anything.
void EnsureSodium();

}  // namespace batuta::secrets
