// Hand-rolled PII scanners; see include/dadeum/pii.hpp and docs/pii.md.
//
// All scanners work on bytes. Every byte they look at is ASCII (digits,
// letters, separators) or part of a fixed Korean keyword, so invalid UTF-8
// around a number is harmless: it is simply "not a word character".

#include "dadeum/pii.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <optional>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace dadeum {
namespace {

constexpr size_t kNpos = std::string_view::npos;

// ---------------------------------------------------------------------------
// Character classes and small cursor helpers

constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
constexpr bool is_alpha(char c) { return is_upper(c) || (c >= 'a' && c <= 'z'); }
constexpr bool is_word(char c) { return is_digit(c) || is_alpha(c) || c == '_'; }
constexpr int digit_value(char c) { return c - '0'; }

// '-' or '.' between two digits glues them into one longer number
// (dates, version strings, ISBNs), so such a neighbour rejects a candidate.
constexpr bool is_joiner(char c) { return c == '-' || c == '.'; }

// Number of consecutive ASCII digits starting at pos (0 when pos is past the end).
size_t digit_run(std::string_view t, size_t pos) {
  size_t p = pos;
  while (p < t.size() && is_digit(t[p])) ++p;
  return p - pos;
}

// Integer value of t[pos, pos + len); callers pass len <= 4.
int number_at(std::string_view t, size_t pos, size_t len) {
  int value = 0;
  for (size_t k = 0; k < len; ++k) value = value * 10 + digit_value(t[pos + k]);
  return value;
}

bool char_at_is(std::string_view t, size_t pos, char c) { return pos < t.size() && t[pos] == c; }

// A candidate may not start right after a word character or a digit+joiner.
bool left_boundary_ok(std::string_view t, size_t b) {
  if (b == 0) return true;
  const char prev = t[b - 1];
  if (is_word(prev)) return false;
  return !(is_joiner(prev) && b >= 2 && is_digit(t[b - 2]));
}

// A candidate may not end right before a word character, a joiner+digit, or
// '@' (then the digits are the local part of an e-mail address).
bool right_boundary_ok(std::string_view t, size_t e) {
  if (e >= t.size()) return true;
  const char next = t[e];
  if (is_word(next) || next == '@') return false;
  return !(is_joiner(next) && e + 1 < t.size() && is_digit(t[e + 1]));
}

// Matches digit groups of exactly the given sizes separated by `sep`, starting
// at b. Returns the end offset or kNpos.
size_t match_groups(std::string_view t, size_t b, char sep, std::initializer_list<size_t> sizes) {
  size_t p = b;
  bool first = true;
  for (size_t size : sizes) {
    if (!first) {
      if (!char_at_is(t, p, sep)) return kNpos;
      ++p;
    }
    first = false;
    if (digit_run(t, p) != size) return kNpos;
    p += size;
  }
  return p;
}

// Copies the digits of t[b, e) into out (at most out.size()); returns how many.
template <size_t N>
size_t collect_digits(std::string_view t, size_t b, size_t e, std::array<int, N>& out) {
  size_t count = 0;
  for (size_t p = b; p < e && count < N; ++p) {
    if (is_digit(t[p])) out[count++] = digit_value(t[p]);
  }
  return count;
}

// ---------------------------------------------------------------------------
// Context words

// Byte offset where a window of up to max_chars UTF-8 characters ending at
// pos starts. The byte distance is capped so that a run of stray continuation
// bytes cannot widen the window.
size_t window_start(std::string_view t, size_t pos, size_t max_chars) {
  const size_t floor = pos > max_chars * 4 ? pos - max_chars * 4 : 0;
  size_t p = pos;
  size_t chars = 0;
  while (p > floor && chars < max_chars) {
    --p;
    if ((static_cast<unsigned char>(t[p]) & 0xC0) != 0x80) ++chars;
  }
  return p;
}

bool has_word_before(std::string_view t, size_t pos, size_t max_chars,
                     std::initializer_list<std::string_view> words) {
  const size_t start = window_start(t, pos, max_chars);
  const std::string_view window = t.substr(start, pos - start);
  for (std::string_view w : words) {
    if (window.find(w) != kNpos) return true;
  }
  return false;
}

bool isbn_context(std::string_view t, size_t pos) {
  return has_word_before(t, pos, 20, {"ISBN", "isbn", "Isbn"});
}
bool business_context(std::string_view t, size_t pos) {
  // "사업자" also covers 사업자번호 and 사업자등록번호.
  return has_word_before(t, pos, 12, {"사업자"});
}
bool passport_context(std::string_view t, size_t pos) {
  return has_word_before(t, pos, 20, {"여권", "passport", "Passport", "PASSPORT"});
}
bool license_context(std::string_view t, size_t pos) {
  return has_word_before(t, pos, 20, {"면허"});
}
bool phone_context(std::string_view t, size_t pos) {
  return has_word_before(t, pos, 20, {"연락처", "전화", "휴대폰", "핸드폰", "대표번호", "문의", "고객센터",
                                      "Tel", "TEL", "tel", "phone", "Phone"});
}
bool version_context(std::string_view t, size_t pos) {
  return has_word_before(t, pos, 12, {"버전", "version", "Version", "VERSION"});
}

// ---------------------------------------------------------------------------
// 주민등록번호 / 외국인등록번호

constexpr bool is_leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int year, int month) {
  constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap_year(year)) return 29;
  return kDays[static_cast<size_t>(month - 1)];
}

// The gender digit also encodes the century of birth.
int century_of(int gender) {
  switch (gender) {
    case 1: case 2: case 5: case 6: return 1900;
    case 3: case 4: case 7: case 8: return 2000;
    default: return 1800;  // 9 and 0
  }
}

bool valid_birth_date(const std::array<int, 13>& d) {
  const int year = century_of(d[6]) + d[0] * 10 + d[1];
  const int month = d[2] * 10 + d[3];
  const int day = d[4] * 10 + d[5];
  return month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month);
}

bool registration_checksum_ok(const std::array<int, 13>& d, bool foreigner) {
  constexpr std::array<int, 12> kWeights = {2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5};
  int sum = 0;
  for (size_t k = 0; k < kWeights.size(); ++k) sum += d[k] * kWeights[k];
  const int check = ((foreigner ? 13 : 11) - sum % 11) % 10;
  return check == d[12];
}

// YYMMDD-GNNNNNN, YYMMDD GNNNNNN or 13 digits in a row. A failed check
// digit still counts: numbers issued since October 2020 have none.
std::optional<PiiMatch> match_registration(std::string_view t, size_t b) {
  size_t e = kNpos;
  if (digit_run(t, b) == 13) {
    e = b + 13;
  } else {
    e = match_groups(t, b, '-', {6, 7});
    if (e == kNpos) e = match_groups(t, b, ' ', {6, 7});
  }
  if (e == kNpos || !right_boundary_ok(t, e)) return std::nullopt;

  std::array<int, 13> d{};
  collect_digits(t, b, e, d);
  if (!valid_birth_date(d)) return std::nullopt;
  const bool foreigner = d[6] >= 5 && d[6] <= 8;
  return PiiMatch{foreigner ? PiiType::kForeignerId : PiiType::kResidentId, b, e,
                  registration_checksum_ok(d, foreigner)};
}

// ---------------------------------------------------------------------------
// 전화번호

// Korean prefix without its leading 0: "2" (Seoul), 1[016789] (mobile),
// 31-33, 41-44, 51-55, 61-64 (other areas), 70 (VoIP), 80 (toll free).
bool is_national_prefix(std::string_view p) {
  if (p.size() == 1) return p[0] == '2';
  if (p.size() != 2) return false;
  const char a = p[0];
  const char b = p[1];
  switch (a) {
    case '1': return b == '0' || b == '1' || (b >= '6' && b <= '9');
    case '3': return b >= '1' && b <= '3';
    case '4': return b >= '1' && b <= '4';
    case '5': return b >= '1' && b <= '5';
    case '6': return b >= '1' && b <= '4';
    case '7': case '8': return b == '0';
    default: return false;
  }
}

bool is_mobile_prefix(std::string_view p) {
  return p.size() == 2 && p[0] == '1' && is_national_prefix(p);
}

// "NNN[N]<sep>NNNN" at pos; returns the end or kNpos.
size_t match_subscriber(std::string_view t, size_t pos, char sep) {
  const size_t middle = digit_run(t, pos);
  if (middle != 3 && middle != 4) return kNpos;
  return match_groups(t, pos, sep, {middle, 4});
}

bool is_phone_separator(char c) { return c == '-' || c == '.' || c == ' '; }

// "[ ]NNN[N]<sep>NNNN" right after the ')' that closes an area code, as in
// "(02) 123-4567" or "02)123-4567".
size_t match_after_area_paren(std::string_view t, size_t p) {
  if (char_at_is(t, p, ' ')) ++p;
  const size_t middle = digit_run(t, p);
  if ((middle != 3 && middle != 4) || p + middle >= t.size()) return kNpos;
  const char sep = t[p + middle];
  if (!is_phone_separator(sep)) return kNpos;
  return match_subscriber(t, p, sep);
}

// National number starting at p (no leading 0): "<prefix><sep>NNN[N]<sep>NNNN",
// "<prefix>)NNN[N]<sep>NNNN", or, for mobiles only, prefix + 8 digits with no
// separator at all.
size_t match_national_number(std::string_view t, size_t p) {
  const size_t run = digit_run(t, p);
  if (run == 10 && is_mobile_prefix(t.substr(p, 2))) return p + 10;
  if (!is_national_prefix(t.substr(p, run)) || p + run >= t.size()) return kNpos;
  const char sep = t[p + run];
  if (sep == ')') return match_after_area_paren(t, p + run + 1);
  if (!is_phone_separator(sep)) return kNpos;
  return match_subscriber(t, p + run + 1, sep);
}

// +82 10-1234-5678, +82-2-123-4567, +821012345678, +82 010-1234-5678,
// +82 (0)10-1234-5678.
size_t match_international_phone(std::string_view t, size_t b) {
  if (t.substr(b, 3) != "+82") return kNpos;
  size_t p = b + 3;
  if (p < t.size() && is_phone_separator(t[p])) ++p;
  // A redundant trunk 0, bare or as "(0)", is common in the wild.
  if (t.substr(p, 3) == "(0)") {
    p += 3;
  } else if (char_at_is(t, p, '0')) {
    ++p;
  }
  return match_national_number(t, p);
}

// (02) 123-4567, (031)1234-5678.
size_t match_parenthesized_phone(std::string_view t, size_t b) {
  if (!char_at_is(t, b + 1, '0')) return kNpos;
  const size_t run = digit_run(t, b + 2);
  if (!is_national_prefix(t.substr(b + 2, run)) || !char_at_is(t, b + 2 + run, ')')) return kNpos;
  return match_after_area_paren(t, b + 3 + run);
}

// 15xx/16xx/18xx-xxxx. "1592-1598" reads like a year range, so a second
// group slightly above the first needs a phone context word.
size_t match_representative_phone(std::string_view t, size_t b) {
  if (!(t[b] == '1' && (t[b + 1] == '5' || t[b + 1] == '6' || t[b + 1] == '8'))) return kNpos;
  const size_t e = match_groups(t, b, '-', {4, 4});
  if (e == kNpos) return kNpos;
  const int first = number_at(t, b, 4);
  const int second = number_at(t, b + 5, 4);
  const bool looks_like_years = second > first && second - first <= 100;
  if (looks_like_years && !phone_context(t, b)) return kNpos;
  return e;
}

std::optional<PiiMatch> match_phone(std::string_view t, size_t b) {
  size_t e = kNpos;
  if (t[b] == '+') {
    e = match_international_phone(t, b);
  } else if (t[b] == '(') {
    e = match_parenthesized_phone(t, b);
  } else if (t[b] == '0') {
    e = match_national_number(t, b + 1);
  } else if (digit_run(t, b) == 4) {
    e = match_representative_phone(t, b);
  }
  if (e == kNpos || !right_boundary_ok(t, e)) return std::nullopt;
  return PiiMatch{PiiType::kPhone, b, e, true};
}

// ---------------------------------------------------------------------------
// 카드번호

bool luhn_ok(const std::array<int, 16>& d, size_t count) {
  int sum = 0;
  for (size_t k = 0; k < count; ++k) {
    int v = d[count - 1 - k];
    if (k % 2 == 1) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
  }
  return sum % 10 == 0;
}

bool is_amex_prefix(std::string_view t, size_t b) {
  return t[b] == '3' && (t[b + 1] == '4' || t[b + 1] == '7');
}

// 16 digits as 4-4-4-4 ('-', ' ' or none); Amex 15 digits as 4-6-5 or none.
// Only Luhn-valid numbers are reported.
std::optional<PiiMatch> match_card(std::string_view t, size_t b) {
  const size_t run = digit_run(t, b);
  size_t e = kNpos;
  if (run == 16 || (run == 15 && is_amex_prefix(t, b))) {
    e = b + run;
  } else if (run == 4 && b + 4 < t.size() && (t[b + 4] == '-' || t[b + 4] == ' ')) {
    const char sep = t[b + 4];
    e = match_groups(t, b, sep, {4, 4, 4, 4});
    if (e == kNpos && is_amex_prefix(t, b)) e = match_groups(t, b, sep, {4, 6, 5});
  }
  if (e == kNpos || !right_boundary_ok(t, e)) return std::nullopt;
  std::array<int, 16> d{};
  const size_t count = collect_digits(t, b, e, d);
  if (!luhn_ok(d, count)) return std::nullopt;
  return PiiMatch{PiiType::kCard, b, e, true};
}

// ---------------------------------------------------------------------------
// 사업자등록번호

bool business_checksum_ok(const std::array<int, 10>& d) {
  constexpr std::array<int, 9> kWeights = {1, 3, 7, 1, 3, 7, 1, 3, 5};
  int sum = 0;
  for (size_t k = 0; k < kWeights.size(); ++k) sum += d[k] * kWeights[k];
  sum += d[8] * 5 / 10;
  return (10 - sum % 10) % 10 == d[9];
}

// NNN-NN-NNNNN, or 10 digits right after a 사업자 context word; the check
// digit must hold.
std::optional<PiiMatch> match_business_id(std::string_view t, size_t b) {
  size_t e = match_groups(t, b, '-', {3, 2, 5});
  if (e == kNpos && digit_run(t, b) == 10 && business_context(t, b)) e = b + 10;
  if (e == kNpos || !right_boundary_ok(t, e)) return std::nullopt;
  std::array<int, 10> d{};
  collect_digits(t, b, e, d);
  if (!business_checksum_ok(d)) return std::nullopt;
  return PiiMatch{PiiType::kBusinessId, b, e, true};
}

// ---------------------------------------------------------------------------
// 운전면허번호

constexpr std::array<std::string_view, 17> kLicenseRegions = {
    "서울", "부산", "경기", "강원", "충북", "충남", "전북", "전남", "경북",
    "경남", "제주", "대구", "인천", "광주", "대전", "울산", "세종"};

// Start of a region name ("서울", optionally followed by one space) that
// ends at b, not before min_begin; kNpos when there is none.
size_t region_name_before(std::string_view t, size_t b, size_t min_begin) {
  size_t p = b;
  if (p > min_begin && t[p - 1] == ' ') --p;
  for (std::string_view region : kLicenseRegions) {
    if (p >= min_begin + region.size() && t.substr(p - region.size(), region.size()) == region) {
      return p - region.size();
    }
  }
  return kNpos;
}

// RR-YY-NNNNNN-NN with region code 11-28, or "서울 YY-NNNNNN-NN" (region
// name, or a 면허 context word, in front of the short form).
std::optional<PiiMatch> match_driver_license(std::string_view t, size_t b, size_t min_begin) {
  size_t e = match_groups(t, b, '-', {2, 2, 6, 2});
  size_t begin = b;
  if (e != kNpos) {
    const int region = number_at(t, b, 2);
    if (region < 11 || region > 28) return std::nullopt;
  } else {
    e = match_groups(t, b, '-', {2, 6, 2});
    if (e == kNpos) return std::nullopt;
    const size_t region_begin = region_name_before(t, b, min_begin);
    if (region_begin != kNpos) {
      begin = region_begin;
    } else if (!license_context(t, b)) {
      return std::nullopt;
    }
  }
  if (!right_boundary_ok(t, e)) return std::nullopt;
  return PiiMatch{PiiType::kDriverLicense, begin, e, true};
}

// ---------------------------------------------------------------------------
// IPv4

// Four dotted octets 0-255 without leading zeros; the boundary rules already
// reject 1.2.3.4.5 and numbers glued to longer runs.
std::optional<PiiMatch> match_ipv4(std::string_view t, size_t b) {
  size_t p = b;
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (!char_at_is(t, p, '.')) return std::nullopt;
      ++p;
    }
    const size_t run = digit_run(t, p);
    if (run < 1 || run > 3 || (run > 1 && t[p] == '0')) return std::nullopt;
    if (number_at(t, p, run) > 255) return std::nullopt;
    p += run;
  }
  if (!right_boundary_ok(t, p) || version_context(t, b)) return std::nullopt;
  return PiiMatch{PiiType::kIpv4, b, p, true};
}

// ---------------------------------------------------------------------------
// 여권번호

// Old form [MSROD] + 8 digits is accepted as a standalone token; the 2021
// form M + 3 digits + letter + 4 digits needs a 여권/passport context word.
std::optional<PiiMatch> match_passport(std::string_view t, size_t b) {
  const char c = t[b];
  if (c != 'M' && c != 'S' && c != 'R' && c != 'O' && c != 'D') return std::nullopt;
  const size_t e = b + 9;
  if (digit_run(t, b + 1) == 8) {
    // old form, nothing more to check
  } else if (c == 'M' && digit_run(t, b + 1) == 3 && b + 4 < t.size() && is_upper(t[b + 4]) &&
             digit_run(t, b + 5) == 4) {
    if (!passport_context(t, b)) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (!right_boundary_ok(t, e)) return std::nullopt;
  return PiiMatch{PiiType::kPassport, b, e, true};
}

// ---------------------------------------------------------------------------
// 이메일

bool is_local_char(char c) {
  return is_word(c) || c == '.' || c == '%' || c == '+' || c == '-';
}
bool is_label_char(char c) { return is_digit(c) || is_alpha(c) || c == '-'; }

bool all_alpha(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return is_alpha(c); });
}

// End of "label(.label)+" at p whose last label is a TLD of 2+ letters;
// kNpos when there is none. Stops before a trailing '.' (end of sentence).
size_t match_domain(std::string_view t, size_t p) {
  size_t end = kNpos;
  size_t labels = 0;
  while (true) {
    const size_t start = p;
    while (p < t.size() && is_label_char(t[p])) ++p;
    const std::string_view label = t.substr(start, p - start);
    if (label.empty() || label.front() == '-' || label.back() == '-') break;
    ++labels;
    if (labels >= 2 && label.size() >= 2 && all_alpha(label)) end = p;
    if (!(char_at_is(t, p, '.') && p + 1 < t.size() && is_label_char(t[p + 1]))) break;
    ++p;
  }
  return end;
}

// `at` is the offset of '@'. The local part is found by walking back, never
// past min_begin (the end of the previous match).
std::optional<PiiMatch> match_email(std::string_view t, size_t at, size_t min_begin) {
  size_t begin = at;
  while (begin > min_begin && is_local_char(t[begin - 1])) --begin;
  while (begin < at && t[begin] == '.') ++begin;
  if (begin == at) return std::nullopt;
  const size_t end = match_domain(t, at + 1);
  if (end == kNpos) return std::nullopt;
  return PiiMatch{PiiType::kEmail, begin, end, true};
}

// ---------------------------------------------------------------------------
// Driver

// Longest numeric match starting at digit b (b passed the left boundary).
std::optional<PiiMatch> match_at_digit(std::string_view t, size_t b, size_t min_begin) {
  // ISBN prefixes 978-/979- and anything right after an "ISBN" label.
  const size_t run = digit_run(t, b);
  if (run == 3 && (t.substr(b, 3) == "978" || t.substr(b, 3) == "979") &&
      (char_at_is(t, b + 3, '-') || char_at_is(t, b + 3, ' '))) {
    return std::nullopt;
  }

  std::optional<PiiMatch> best;
  auto consider = [&best](std::optional<PiiMatch> m) {
    if (m && (!best || m->end > best->end)) best = m;
  };
  if (run >= 4) consider(match_card(t, b));
  if (run == 6 || run == 13) consider(match_registration(t, b));
  if (run == 3 || run == 10) consider(match_business_id(t, b));
  if (run == 2) consider(match_driver_license(t, b, min_begin));
  if (t[b] == '0' || t[b] == '1') consider(match_phone(t, b));
  if (run <= 3) consider(match_ipv4(t, b));

  if (best && isbn_context(t, b)) return std::nullopt;
  return best;
}

// True when the text cannot contain any detectable PII: every numeric form
// needs 7+ digits except IPv4 (4 digits and dots); e-mail needs '@'. Counts
// 64 bytes at a time with compare masks (the compiler's own vectorization of
// the byte loop widened every count to 32 bits: 4x slower) and stops early once
// the answer is known (the counts only grow). No popcount: without -mpopcnt it
// is a libgcc call, which cost more than the whole scan.
bool surely_clean(std::string_view t) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(t.data());
  size_t digits = 0;
  bool any_at = false, any_dot = false;
  size_t pos = 0;
#if defined(__SSE2__)
  const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9), at = _mm_set1_epi8('@'), dot = _mm_set1_epi8('.');
  for (; pos + 64 <= t.size(); pos += 64) {
    __m128i per_lane = _mm_setzero_si128();  // digits seen in each byte lane, 0..4
    int ats = 0, dots = 0;
    for (size_t lane = 0; lane < 64; lane += 16) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + pos + lane));
      const __m128i offset = _mm_sub_epi8(x, zero);  // a digit: 0..9 unsigned
      per_lane = _mm_sub_epi8(per_lane, _mm_cmpeq_epi8(_mm_min_epu8(offset, nine), offset));  // mask is -1
      ats |= _mm_movemask_epi8(_mm_cmpeq_epi8(x, at));
      dots |= _mm_movemask_epi8(_mm_cmpeq_epi8(x, dot));
    }
    const __m128i sums = _mm_sad_epu8(per_lane, _mm_setzero_si128());  // two 64-bit lane sums
    digits += static_cast<size_t>(_mm_cvtsi128_si32(sums)) + static_cast<size_t>(_mm_extract_epi16(sums, 4));
    any_at |= ats != 0;
    any_dot |= dots != 0;
    if (digits >= 7 || any_at) return false;
  }
#endif
  for (; pos < t.size(); ++pos) {
    digits += static_cast<unsigned char>(bytes[pos] - '0') < 10;
    any_at |= bytes[pos] == '@';
    any_dot |= bytes[pos] == '.';
  }
  return !(digits >= 7 || any_at || (digits >= 4 && any_dot));
}

size_t skip_word(std::string_view t, size_t i) {
  while (i < t.size() && is_word(t[i])) ++i;
  return i;
}

}  // namespace

std::string_view pii_type_name(PiiType type) noexcept {
  switch (type) {
    case PiiType::kResidentId: return "resident_id";
    case PiiType::kForeignerId: return "foreigner_id";
    case PiiType::kPhone: return "phone";
    case PiiType::kEmail: return "email";
    case PiiType::kCard: return "card";
    case PiiType::kBusinessId: return "business_id";
    case PiiType::kPassport: return "passport";
    case PiiType::kDriverLicense: return "driver_license";
    case PiiType::kIpv4: return "ipv4";
  }
  return "unknown";
}

std::string_view pii_placeholder(PiiType type) noexcept {
  switch (type) {
    case PiiType::kResidentId: return "[주민등록번호]";
    case PiiType::kForeignerId: return "[외국인등록번호]";
    case PiiType::kPhone: return "[전화번호]";
    case PiiType::kEmail: return "[이메일]";
    case PiiType::kCard: return "[카드번호]";
    case PiiType::kBusinessId: return "[사업자등록번호]";
    case PiiType::kPassport: return "[여권번호]";
    case PiiType::kDriverLicense: return "[운전면허번호]";
    case PiiType::kIpv4: return "[IP주소]";
  }
  return "[개인정보]";
}

// Bytes at which a match can start or a word must be skipped; everything else (Hangul,
// spaces, punctuation) is passed over in a tight loop.
constexpr std::array<bool, 256> make_start_table() {
  std::array<bool, 256> table{};
  for (int c = 0; c < 128; ++c) table[c] = is_word(static_cast<char>(c)) || c == '@' || c == '+' || c == '(';
  return table;
}
constexpr std::array<bool, 256> kStartByte = make_start_table();

// The first start byte at or after `i` (t.size() when none), 16 bytes at a time: Korean
// text is mostly bytes >= 0x80 and spaces, which no match starts at.
size_t next_start(std::string_view t, size_t i) {
#if defined(__SSE2__)
  const auto* bytes = reinterpret_cast<const unsigned char*>(t.data());
  const auto in_range = [](__m128i x, char lo, char hi) {
    // Signed compares: bytes >= 0x80 are negative and fall outside every range here.
    return _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(static_cast<char>(lo - 1))),
                         _mm_cmplt_epi8(x, _mm_set1_epi8(static_cast<char>(hi + 1))));
  };
  for (; i + 16 <= t.size(); i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + i));
    __m128i start = _mm_or_si128(in_range(x, '0', '9'), in_range(x, '@', 'Z'));
    start = _mm_or_si128(start, in_range(x, 'a', 'z'));
    start = _mm_or_si128(start, _mm_cmpeq_epi8(x, _mm_set1_epi8('_')));
    start = _mm_or_si128(start, _mm_cmpeq_epi8(x, _mm_set1_epi8('(')));
    start = _mm_or_si128(start, _mm_cmpeq_epi8(x, _mm_set1_epi8('+')));
    if (const auto mask = static_cast<uint32_t>(_mm_movemask_epi8(start))) return i + static_cast<size_t>(__builtin_ctz(mask));
  }
#endif
  while (i < t.size() && !kStartByte[static_cast<unsigned char>(t[i])]) ++i;
  return i;
}

void find_pii_into(std::string_view t, std::vector<PiiMatch>& out) {
  out.clear();
  if (surely_clean(t)) return;

  size_t i = 0;
  size_t last_end = 0;  // matches never start before the previous one ends
  auto emit = [&](const PiiMatch& m) {
    out.push_back(m);
    i = last_end = m.end;
  };

  while (i < t.size()) {
    i = next_start(t, i);
    if (i >= t.size()) break;
    const char c = t[i];
    if (is_digit(c)) {
      // Digit runs are visited only at their first digit.
      if (left_boundary_ok(t, i)) {
        if (auto m = match_at_digit(t, i, last_end)) {
          emit(*m);
          continue;
        }
      }
      i += digit_run(t, i);
    } else if (c == '@') {
      if (auto m = match_email(t, i, last_end)) {
        emit(*m);
      } else {
        ++i;
      }
    } else if (c == '+' || c == '(') {
      std::optional<PiiMatch> m;
      if (i == 0 || !is_digit(t[i - 1])) m = match_phone(t, i);
      if (m) {
        emit(*m);
      } else {
        ++i;
      }
    } else if (is_word(c)) {
      // Letters start only passports; digits glued to letters (order ids
      // such as ORD20231124...) are skipped together with the word.
      std::optional<PiiMatch> m;
      if (is_upper(c) && left_boundary_ok(t, i)) m = match_passport(t, i);
      if (m) {
        emit(*m);
      } else {
        i = skip_word(t, i);
      }
    } else {
      ++i;
    }
  }
}

std::vector<PiiMatch> find_pii(std::string_view utf8_text) {
  std::vector<PiiMatch> out;
  find_pii_into(utf8_text, out);
  return out;
}

std::string mask_pii(std::string_view text, const std::vector<PiiMatch>& matches) {
  const auto by_begin = [](const PiiMatch& a, const PiiMatch& b) { return a.begin < b.begin; };
  std::vector<PiiMatch> sorted;
  const std::vector<PiiMatch>* ordered = &matches;
  if (!std::is_sorted(matches.begin(), matches.end(), by_begin)) {
    sorted = matches;
    std::stable_sort(sorted.begin(), sorted.end(), by_begin);
    ordered = &sorted;
  }

  std::string out;
  out.reserve(text.size() + 16 * ordered->size());
  size_t cursor = 0;
  for (const PiiMatch& m : *ordered) {
    const size_t end = std::min(m.end, text.size());
    if (end <= cursor || m.begin >= end) continue;  // empty, or already masked
    if (m.begin >= cursor) {
      out.append(text.substr(cursor, m.begin - cursor));
      out.append(pii_placeholder(m.type));
    }
    cursor = end;  // an overlapping span just extends the masked region
  }
  out.append(text.substr(std::min(cursor, text.size())));
  return out;
}

std::string redact_pii(std::string_view text) { return mask_pii(text, find_pii(text)); }

}  // namespace dadeum
