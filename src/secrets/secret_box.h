#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "secrets/master_key.h"

namespace batuta::secrets {

// Encryption of secret fields at rest (connection passwords, connection strings with
// credentials) with XChaCha20-Poly1305 under the master key.
//
// Sealed text form: "v1.<key id>.<base64url without padding of nonce || ciphertext>", where the
// nonce is 24 fresh random bytes per Seal (so sealing the same value twice gives different
// texts, and random nonces of this size never repeat in practice).
//
// `associated_data` binds a ciphertext to where it is stored, e.g. "connection:<id>:password":
// Open succeeds only with the same associated data, so a sealed value copied into another row
// or field does not decrypt. The "v1.<key id>." header is authenticated as well.
//
// All functions are thread-safe.

// Seals `plaintext`; never fails.
std::string Seal(const MasterKey& key, std::string_view plaintext,
                 std::string_view associated_data);

// The plaintext of a Seal result.
//  - kInvalidArgument "secret cannot be decrypted (tampered or bound to another record)" when
//    the ciphertext was modified or `associated_data` differs from the one it was sealed with;
//    kInvalidArgument as well when `sealed` is not in the sealed form at all.
//  - kUnavailable naming both key ids when it was sealed under another master key.
Result<std::string> Open(const MasterKey& key, std::string_view sealed,
                         std::string_view associated_data);

// Whether `text` has the shape of a sealed secret (prefix and key id; nothing is decrypted).
bool IsSealed(std::string_view text);

}  // namespace batuta::secrets
