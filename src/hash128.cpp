// Stable 128-bit hashing and the flat exact-duplicate index; see
// include/dadeum/dedup_engine.hpp.

#include <xxhash.h>

#include "dadeum/dedup_engine.hpp"

namespace dadeum {
namespace {

// The table never gets fuller than 7/10: linear probing then needs about
// 2 probes for a hit and 6 for a miss (Knuth), and most inserts are misses.
constexpr size_t kMaxLoadNumerator = 7;
constexpr size_t kMaxLoadDenominator = 10;
constexpr size_t kMinCapacity = 16;

size_t capacity_for(size_t expected) {
  size_t needed = expected * kMaxLoadDenominator / kMaxLoadNumerator + 1;
  size_t capacity = kMinCapacity;
  while (capacity < needed) capacity *= 2;
  return capacity;
}

unsigned log2_of_power_of_two(size_t value) {
  unsigned bits = 0;
  while ((size_t{1} << bits) < value) ++bits;
  return bits;
}

}  // namespace

Hash128 hash128(std::string_view bytes, uint64_t seed) {
  XXH128_hash_t hash = XXH3_128bits_withSeed(bytes.data(), bytes.size(), seed);
  return Hash128{hash.low64, hash.high64};
}

std::string to_hex(const Hash128& hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(32, '0');
  for (int digit_idx = 0; digit_idx < 16; ++digit_idx) {
    int shift = 60 - 4 * digit_idx;
    out[digit_idx] = kDigits[(hash.high >> shift) & 0xf];
    out[16 + digit_idx] = kDigits[(hash.low >> shift) & 0xf];
  }
  return out;
}

ExactIndex::ExactIndex(size_t expected) {
  size_t capacity = capacity_for(expected);
  slots_.resize(capacity);
  shift_ = 64 - log2_of_power_of_two(capacity);
}

size_t ExactIndex::home_slot(const Hash128& key) const { return hash128_home_slot(key, shift_); }

std::optional<uint32_t> ExactIndex::find(const Hash128& key) const {
  size_t mask = slots_.size() - 1;
  for (size_t slot_idx = home_slot(key);; slot_idx = (slot_idx + 1) & mask) {
    const Slot& slot = slots_[slot_idx];
    if (!slot.used) return std::nullopt;
    if (slot.low == key.low && slot.high == key.high) return slot.value;
  }
}

std::optional<uint32_t> ExactIndex::insert_or_get(const Hash128& key, uint32_t value) {
  if ((size_ + 1) * kMaxLoadDenominator > slots_.size() * kMaxLoadNumerator) grow();
  size_t mask = slots_.size() - 1;
  for (size_t slot_idx = home_slot(key);; slot_idx = (slot_idx + 1) & mask) {
    Slot& slot = slots_[slot_idx];
    if (!slot.used) {
      slot = Slot{key.low, key.high, value, 1};
      ++size_;
      return std::nullopt;
    }
    if (slot.low == key.low && slot.high == key.high) return slot.value;
  }
}

void ExactIndex::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{});
  --shift_;
  size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (!slot.used) continue;
    size_t slot_idx = home_slot(Hash128{slot.low, slot.high});
    while (slots_[slot_idx].used) slot_idx = (slot_idx + 1) & mask;
    slots_[slot_idx] = slot;
  }
}

}  // namespace dadeum
