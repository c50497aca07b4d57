// Password hashing and the small codecs authentication needs. Uses OpenSSL's libcrypto (already
// linked through gRPC): PBKDF2-HMAC-SHA256 with a random 16-byte salt, constant-time compare.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "elanus/status.h"

namespace elanus::server {

// A stored password: "pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>". Never the password.
inline constexpr int kPbkdf2Iterations = 100'000;

// Hashes `password` with a fresh random salt. Fails only if the system RNG fails.
Result<std::string> HashPassword(std::string_view password, int iterations = kPbkdf2Iterations);

// True when `password` matches `stored`; a malformed record is Corruption naming the problem.
Result<bool> VerifyPassword(std::string_view password, std::string_view stored);

// Standard base64 (RFC 4648, '=' padding required when the length is not a multiple of 4).
// nullopt on any character outside the alphabet or a bad length.
std::optional<std::string> Base64Decode(std::string_view in);
std::string Base64Encode(std::string_view in);

// SHA-256 of `data` (raw 32 bytes): the authentication cache keys passwords by it.
std::string Sha256(std::string_view data);

}  // namespace elanus::server
