// Detection and masking of Korean personal information (PII) in UTF-8 text.
//
// find_pii() scans text once, left to right, with small hand-written
// scanners (no std::regex) and reports resident/foreigner registration
// numbers, phone numbers, e-mail addresses, card numbers, business
// registration numbers, passport numbers, driver licence numbers and IPv4
// addresses. mask_pii() replaces the reported spans with Korean placeholders
// such as "[전화번호]". The rules are described in docs/pii.md.
//
// Nothing here prints, exits or throws on any input (invalid UTF-8 included);
// only memory exhaustion can escape as std::bad_alloc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dadeum {

enum class PiiType : uint8_t {
  kResidentId,     //!< 주민등록번호 (gender digit 1-4, 9, 0)
  kForeignerId,    //!< 외국인등록번호 (gender digit 5-8)
  kPhone,          //!< 전화번호 (mobile, area code, 070/080, 15xx/16xx/18xx, +82)
  kEmail,          //!< 이메일
  kCard,           //!< 카드번호 (Luhn-valid only)
  kBusinessId,     //!< 사업자등록번호 (check digit required)
  kPassport,       //!< 여권번호
  kDriverLicense,  //!< 운전면허번호
  kIpv4,           //!< IPv4 address
};
inline constexpr size_t kPiiTypeCount = 9;

struct PiiMatch {
  PiiType type;
  size_t begin;         //!< byte offset in the UTF-8 text
  size_t end;           //!< one past the last byte
  bool checksum_valid;  //!< check digit / Luhn verified (true where the type has no check digit)

  friend bool operator==(const PiiMatch&, const PiiMatch&) = default;
};

//! Stable ASCII name, e.g. "resident_id"; "unknown" for an out-of-range value.
std::string_view pii_type_name(PiiType type) noexcept;

//! Korean placeholder, e.g. "[주민등록번호]"; "[개인정보]" for an out-of-range value.
std::string_view pii_placeholder(PiiType type) noexcept;

//! All PII spans in the text, sorted by begin and non-overlapping.
std::vector<PiiMatch> find_pii(std::string_view utf8_text);

//! Same as find_pii() but writes into `out` (cleared first) so that a caller
//! scanning millions of records can reuse one buffer.
void find_pii_into(std::string_view utf8_text, std::vector<PiiMatch>& out);

//! Copy of `text` with every match replaced by its placeholder. Matches may be
//! in any order; spans outside the text are clipped, and a span overlapping an
//! already masked one only extends the masked region (no second placeholder).
std::string mask_pii(std::string_view text, const std::vector<PiiMatch>& matches);

//! mask_pii(text, find_pii(text)).
std::string redact_pii(std::string_view text);

}  // namespace dadeum
