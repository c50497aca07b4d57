// CRC32C (Castagnoli, reflected polynomial 0x82F63B78): the checksum on every persistent Elanus
// record and file. Thread-safe and allocation-free.
#pragma once

#include <cstddef>
#include <cstdint>

namespace elanus {

// Returns the CRC32C of data[0, n). `init` is the CRC of the bytes before `data` (0 for none), so
// checksums chain: Crc32c(b, nb, Crc32c(a, na)) == Crc32c(a + b). Uses the SSE4.2 crc32
// instruction when the CPU has it (checked once at runtime), else slicing-by-8 in software.
uint32_t Crc32c(const void* data, size_t n, uint32_t init = 0);

namespace internal {
// The portable implementation, exposed so tests can compare it with the hardware path.
uint32_t Crc32cSoftware(const void* data, size_t n, uint32_t init);
// True when Crc32c dispatches to the SSE4.2 instruction on this machine.
bool Crc32cUsesHardware();
}  // namespace internal

}  // namespace elanus
