// Tests for dadeum/pii.hpp. Every number below is fictional; valid check
// digits were computed for the test, not taken from real people or cards.

#include "dadeum/pii.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dadeum {
namespace {

using T = PiiType;

struct Expected {
  PiiType type;
  std::string_view text;  //!< the matched bytes
  bool checksum_valid = true;
};

struct DetectCase {
  const char* name;
  std::string_view input;
  std::vector<Expected> expected;
};

void PrintTo(const DetectCase& c, std::ostream* os) { *os << c.name; }

// clang-format off
const std::vector<DetectCase> kDetectCases = {
    // --- 주민등록번호 / 외국인등록번호
    {"rrn_hyphen_valid", "주민번호 900101-1234568", {{T::kResidentId, "900101-1234568"}}},
    {"rrn_hyphen_bad_check_still_counts", "900101-1234569", {{T::kResidentId, "900101-1234569", false}}},
    {"rrn_space_separator", "850315 2345678", {{T::kResidentId, "850315 2345678"}}},
    {"rrn_no_separator", "8503152345678", {{T::kResidentId, "8503152345678"}}},
    {"rrn_no_separator_bad_check", "8503152345679", {{T::kResidentId, "8503152345679", false}}},
    {"rrn_2000s_gender_4", "1207044567896", {{T::kResidentId, "1207044567896"}}},
    {"rrn_leap_day_2000", "000229-3987650", {{T::kResidentId, "000229-3987650"}}},
    {"rrn_leap_day_1900_invalid", "000229-1987654", {}},
    {"rrn_leap_day_2002_invalid", "020229-3123459", {}},
    {"rrn_month_13", "901301-1234567", {}},
    {"rrn_april_31", "900431-1234567", {}},
    {"rrn_day_00", "900100-1234567", {}},
    {"rrn_1800s_gender_9", "850101-9123459", {{T::kResidentId, "850101-9123459"}}},
    {"rrn_1800s_gender_0", "850101-0123454", {{T::kResidentId, "850101-0123454"}}},
    {"rrn_korean_adjacent", "주민등록번호는900101-1234568입니다",
     {{T::kResidentId, "900101-1234568"}}},
    {"rrn_14_digit_run", "90010112345681", {}},
    {"rrn_12_digit_run", "900101123456", {}},
    {"rrn_glued_to_letters", "ID9001011234568", {}},
    {"rrn_followed_by_digit_group", "900101-1234568-1", {}},
    {"foreigner_valid", "외국인등록번호 880808-5678912", {{T::kForeignerId, "880808-5678912"}}},
    {"foreigner_bad_check", "880808-5678913", {{T::kForeignerId, "880808-5678913", false}}},
    {"foreigner_2000s_gender_7", "0306127445569", {{T::kForeignerId, "0306127445569"}}},
    {"foreigner_leap_2004_gender_8", "040229-8111115", {{T::kForeignerId, "040229-8111115"}}},

    // --- 전화번호
    {"mobile_hyphen", "연락처:010-1234-5678로", {{T::kPhone, "010-1234-5678"}}},
    {"mobile_dots", "010.1234.5678", {{T::kPhone, "010.1234.5678"}}},
    {"mobile_spaces", "휴대폰 010 1234 5678", {{T::kPhone, "010 1234 5678"}}},
    {"mobile_no_separator", "01012345678", {{T::kPhone, "01012345678"}}},
    {"old_mobile_three_digit_middle", "011-123-4567", {{T::kPhone, "011-123-4567"}}},
    {"seoul_short", "02-123-4567", {{T::kPhone, "02-123-4567"}}},
    {"seoul_long", "전화 02-1234-5678 입니다", {{T::kPhone, "02-1234-5678"}}},
    {"area_031", "031-123-4567", {{T::kPhone, "031-123-4567"}}},
    {"area_064_full", "064-712-3456", {{T::kPhone, "064-712-3456"}}},
    {"voip_070", "070-1234-5678", {{T::kPhone, "070-1234-5678"}}},
    {"toll_free_080", "080-123-4567", {{T::kPhone, "080-123-4567"}}},
    {"representative_1588", "고객센터 1588-1234", {{T::kPhone, "1588-1234"}}},
    {"representative_1644", "1644-0000", {{T::kPhone, "1644-0000"}}},
    {"year_range_not_phone", "임진왜란(1592-1598년)", {}},
    {"year_range_with_phone_context", "대표번호 1600-1650", {{T::kPhone, "1600-1650"}}},
    {"representative_dot_not_phone", "1588.1234", {}},
    {"intl_space_hyphen", "+82 10-1234-5678", {{T::kPhone, "+82 10-1234-5678"}}},
    {"intl_all_hyphen", "+82-10-1234-5678", {{T::kPhone, "+82-10-1234-5678"}}},
    {"intl_no_separator", "+821012345678", {{T::kPhone, "+821012345678"}}},
    {"intl_seoul_spaces", "+82 2 123 4567", {{T::kPhone, "+82 2 123 4567"}}},
    {"intl_redundant_zero", "+82 010-1234-5678", {{T::kPhone, "+82 010-1234-5678"}}},
    {"parenthesized_area", "(02) 123-4567", {{T::kPhone, "(02) 123-4567"}}},
    {"parenthesized_area_no_space", "(031)1234-5678", {{T::kPhone, "(031)1234-5678"}}},
    {"area_closing_paren_only", "문의: 02)123-4567", {{T::kPhone, "02)123-4567"}}},
    {"intl_parenthesized_zero", "+82 (0)10-1234-5678", {{T::kPhone, "+82 (0)10-1234-5678"}}},
    {"intl_other_country", "+1 415-555-0100", {}},
    {"unknown_area_code", "035-123-4567", {}},
    {"area_no_separator_not_phone", "0212345678", {}},
    {"mixed_separators", "010-1234.5678", {}},
    {"twelve_digits", "010123456789", {}},
    {"phone_with_extra_group", "010-1234-5678-1", {}},
    {"phone_glued_to_letters", "010-1234-5678abc", {}},
    {"phone_last_group_too_long", "010-1234-56789", {}},

    // --- 이메일
    {"email_simple", "kim@naver.com", {{T::kEmail, "kim@naver.com"}}},
    {"email_plus_and_subdomains", "first.last+tag@mail.example.co.kr",
     {{T::kEmail, "first.last+tag@mail.example.co.kr"}}},
    {"email_korean_adjacent", "메일:kim123@daum.net으로 보내", {{T::kEmail, "kim123@daum.net"}}},
    {"email_sentence_period", "kim@naver.com.", {{T::kEmail, "kim@naver.com"}}},
    {"email_digits_local", "01012345678@naver.com", {{T::kEmail, "01012345678@naver.com"}}},
    {"email_no_tld", "root@localhost", {}},
    {"email_one_letter_tld", "a@b.c", {}},
    {"email_handle_only", "@dadeum_bot 안녕", {}},
    {"email_ip_domain_reports_ip", "root@10.0.0.1", {{T::kIpv4, "10.0.0.1"}}},

    // --- 카드번호
    {"card_visa_hyphen", "카드 4532-1234-5678-9014", {{T::kCard, "4532-1234-5678-9014"}}},
    {"card_spaces", "5400 1234 5678 9010", {{T::kCard, "5400 1234 5678 9010"}}},
    {"card_no_separator", "9441123456789013", {{T::kCard, "9441123456789013"}}},
    {"card_amex_grouped", "3782-822463-10005", {{T::kCard, "3782-822463-10005"}}},
    {"card_amex_no_separator", "378282246310005", {{T::kCard, "378282246310005"}}},
    {"card_korean_adjacent", "카드번호4532123456789014로 결제", {{T::kCard, "4532123456789014"}}},
    {"card_luhn_fail", "4532-1234-5678-9015", {}},
    {"card_mixed_separators", "4532-1234 5678-9014", {}},
    {"card_15_digits_not_amex", "453212345678901", {}},
    {"card_17_digits", "45321234567890140", {}},

    // --- 사업자등록번호
    {"business_hyphen", "123-45-67891", {{T::kBusinessId, "123-45-67891"}}},
    {"business_hyphen_other", "사업자 220-81-23455 (주)다듬", {{T::kBusinessId, "220-81-23455"}}},
    {"business_bad_check", "123-45-67892", {}},
    {"business_context_no_separator", "사업자등록번호: 1234567891",
     {{T::kBusinessId, "1234567891"}}},
    {"business_context_bad_check", "사업자번호 1234567892", {}},
    {"business_no_context", "1234567891", {}},
    {"business_context_too_far", "사업자 정보는 아래 표의 두 번째 칸에 적힌 1234567891", {}},

    // --- 여권번호
    {"passport_old_standalone", "M12345678", {{T::kPassport, "M12345678"}}},
    {"passport_old_context", "여권번호: S87654321", {{T::kPassport, "S87654321"}}},
    {"passport_new_context", "여권번호 M123A4567", {{T::kPassport, "M123A4567"}}},
    {"passport_new_no_context", "M123A4567", {}},
    {"passport_lowercase", "m12345678", {}},
    {"passport_nine_digits", "M123456789", {}},
    {"passport_other_letter", "A12345678", {}},
    {"passport_inside_token", "XM12345678", {}},

    // --- 운전면허번호
    {"license_region_code", "11-12-345678-90", {{T::kDriverLicense, "11-12-345678-90"}}},
    {"license_region_code_28", "면허 28-99-000001-11", {{T::kDriverLicense, "28-99-000001-11"}}},
    {"license_region_code_29", "29-12-345678-90", {}},
    {"license_region_code_10", "10-12-345678-90", {}},
    {"license_region_name", "서울 12-345678-90", {{T::kDriverLicense, "서울 12-345678-90"}}},
    {"license_region_name_glued", "부산12-345678-90", {{T::kDriverLicense, "부산12-345678-90"}}},
    {"license_context_word", "운전면허번호: 12-345678-90", {{T::kDriverLicense, "12-345678-90"}}},
    {"license_short_no_context", "12-345678-90", {}},

    // --- IPv4
    {"ipv4_private", "192.168.0.1", {{T::kIpv4, "192.168.0.1"}}},
    {"ipv4_korean_adjacent", "접속 IP는 10.0.0.255입니다", {{T::kIpv4, "10.0.0.255"}}},
    {"ipv4_with_port", "10.0.0.1:8080", {{T::kIpv4, "10.0.0.1"}}},
    {"ipv4_sentence_period", "서버는 8.8.8.8.", {{T::kIpv4, "8.8.8.8"}}},
    {"ipv4_octet_256", "192.168.0.256", {}},
    {"ipv4_version_five_parts", "1.2.3.4.5", {}},
    {"ipv4_leading_zero", "192.168.01.1", {}},
    {"ipv4_version_context", "버전 1.2.3.4 배포", {}},
    {"ipv4_v_prefix", "v1.2.3.4", {}},
    {"ipv4_three_parts", "1.2.3", {}},
    {"ipv4_inside_number", "11.2.3.4567", {}},

    // --- things that are never PII
    {"date_hyphen", "2024-11-22", {}},
    {"date_dots", "2024.11.22", {}},
    {"date_compact", "20241122", {}},
    {"datetime", "2024-11-22T10:30:00", {}},
    {"time", "12:34:56", {}},
    {"amount_commas", "총 1,234,567원", {}},
    {"amount_plain", "10000원", {}},
    {"amount_ten_digits", "1234567890원", {}},
    {"isbn_13_hyphen", "979-11-5839-123-4", {}},
    {"isbn_978_89", "978-89-12345-67-8", {}},
    {"isbn_prefix_with_valid_business_checksum", "978-89-12349", {}},
    {"isbn_compact_13", "ISBN 9788912345678", {}},
    {"isbn_context_label", "ISBN 123-45-67891", {}},
    {"order_id", "ORD20231124123456", {}},
    {"order_id_hyphen_letters", "주문번호 ORD-20231124-123456", {}},
    {"long_digit_run", "123456789012345678901234567890", {}},
    {"version_string", "v2.10.3 릴리스", {}},
    {"plain_korean", "다듬은 한국어 지시 데이터를 정제합니다.", {}},
    {"few_digits", "3개 사과", {}},
    {"empty", "", {}},

    // --- several matches, adjacency
    {"two_phones_comma", "010-1234-5678,010-2345-6789",
     {{T::kPhone, "010-1234-5678"}, {T::kPhone, "010-2345-6789"}}},
    {"email_slash_phone", "kim@naver.com/010-1234-5678",
     {{T::kEmail, "kim@naver.com"}, {T::kPhone, "010-1234-5678"}}},
    {"phone_then_email_local", "010-1234-5678.kim@naver.com",
     {{T::kPhone, "010-1234-5678"}, {T::kEmail, "kim@naver.com"}}},
    {"all_in_one",
     "이름 홍길동, 주민번호 900101-1234568, 전화 010-1234-5678, 메일 hong@example.com, IP 203.0.113.7",
     {{T::kResidentId, "900101-1234568"},
      {T::kPhone, "010-1234-5678"},
      {T::kEmail, "hong@example.com"},
      {T::kIpv4, "203.0.113.7"}}},

    // --- invalid UTF-8 around numbers: bytes are just non-word characters
    {"invalid_utf8_around_phone", "\xff" "010-1234-5678" "\xfe", {{T::kPhone, "010-1234-5678"}}},
    {"truncated_utf8_before_rrn", "\xed\x95" "900101-1234568", {{T::kResidentId, "900101-1234568"}}},
    {"continuation_flood_before_business",
     "사업자\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80"
     "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80"
     "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80 1234567891",
     {}},
    {"lone_lead_byte_at_end", "010-1234-5678\xc3", {{T::kPhone, "010-1234-5678"}}},
    {"invalid_utf8_email", "\xc0kim@naver.com\xc1", {{T::kEmail, "kim@naver.com"}}},
};
// clang-format on

class DetectTest : public ::testing::TestWithParam<DetectCase> {};

TEST_P(DetectTest, FindsExactlyTheExpectedSpans) {
  const DetectCase& c = GetParam();
  const std::vector<PiiMatch> found = find_pii(c.input);
  ASSERT_EQ(found.size(), c.expected.size()) << "input: " << c.input;
  for (size_t k = 0; k < found.size(); ++k) {
    const PiiMatch& m = found[k];
    ASSERT_LE(m.begin, m.end);
    ASSERT_LE(m.end, c.input.size());
    EXPECT_EQ(pii_type_name(m.type), pii_type_name(c.expected[k].type)) << "match " << k;
    EXPECT_EQ(c.input.substr(m.begin, m.end - m.begin), c.expected[k].text) << "match " << k;
    EXPECT_EQ(m.checksum_valid, c.expected[k].checksum_valid) << "match " << k;
  }
}

TEST_P(DetectTest, MatchesAreSortedAndDisjoint) {
  const DetectCase& c = GetParam();
  const std::vector<PiiMatch> found = find_pii(c.input);
  for (size_t k = 1; k < found.size(); ++k) {
    EXPECT_LE(found[k - 1].end, found[k].begin);
  }
}

INSTANTIATE_TEST_SUITE_P(Pii, DetectTest, ::testing::ValuesIn(kDetectCases),
                         [](const ::testing::TestParamInfo<DetectCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

// ---------------------------------------------------------------------------
// mask_pii on detected spans

struct MaskCase {
  const char* name;
  std::string_view input;
  std::string_view masked;
};

void PrintTo(const MaskCase& c, std::ostream* os) { *os << c.name; }

const std::vector<MaskCase> kMaskCases = {
    {"phone", "연락처:010-1234-5678로 연락", "연락처:[전화번호]로 연락"},
    {"resident", "주민번호 900101-1234568", "주민번호 [주민등록번호]"},
    {"foreigner", "880808-5678912", "[외국인등록번호]"},
    {"email", "메일은 kim@naver.com.", "메일은 [이메일]."},
    {"card", "카드 4532-1234-5678-9014 결제", "카드 [카드번호] 결제"},
    {"business", "(사업자 123-45-67891)", "(사업자 [사업자등록번호])"},
    {"passport", "여권 M12345678", "여권 [여권번호]"},
    {"license_with_region", "면허: 서울 12-345678-90.", "면허: [운전면허번호]."},
    {"ipv4", "IP 192.168.0.1 차단", "IP [IP주소] 차단"},
    {"adjacent", "010-1234-5678,kim@naver.com", "[전화번호],[이메일]"},
    {"nothing", "2024-11-22에 1,234,567원 입금", "2024-11-22에 1,234,567원 입금"},
    {"empty", "", ""},
    {"invalid_utf8_kept", "\xff" "010-1234-5678" "\xfe", "\xff[전화번호]\xfe"},
};

class MaskTest : public ::testing::TestWithParam<MaskCase> {};

TEST_P(MaskTest, ReplacesEachSpanWithItsPlaceholder) {
  const MaskCase& c = GetParam();
  EXPECT_EQ(mask_pii(c.input, find_pii(c.input)), c.masked);
  EXPECT_EQ(redact_pii(c.input), c.masked);
}

INSTANTIATE_TEST_SUITE_P(Pii, MaskTest, ::testing::ValuesIn(kMaskCases),
                         [](const ::testing::TestParamInfo<MaskCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

// ---------------------------------------------------------------------------
// mask_pii on hand-made spans

PiiMatch span(PiiType type, size_t begin, size_t end) { return PiiMatch{type, begin, end, true}; }

TEST(MaskPii, OverlappingSpansGiveOnePlaceholder) {
  const std::string_view text = "0123456789abc";
  EXPECT_EQ(mask_pii(text, {span(T::kPhone, 0, 5), span(T::kEmail, 3, 8)}), "[전화번호]89abc");
}

TEST(MaskPii, NestedSpanIsSwallowed) {
  const std::string_view text = "0123456789abc";
  EXPECT_EQ(mask_pii(text, {span(T::kCard, 0, 10), span(T::kPhone, 2, 4)}), "[카드번호]abc");
}

TEST(MaskPii, AdjacentSpansGiveTwoPlaceholders) {
  const std::string_view text = "abcdef!";
  EXPECT_EQ(mask_pii(text, {span(T::kPhone, 0, 3), span(T::kEmail, 3, 6)}), "[전화번호][이메일]!");
}

TEST(MaskPii, UnsortedSpansAreAllMasked) {
  const std::string_view text = "aa-bb-cc";
  EXPECT_EQ(mask_pii(text, {span(T::kIpv4, 6, 8), span(T::kCard, 0, 2)}), "[카드번호]-bb-[IP주소]");
}

TEST(MaskPii, SpansOutsideTheTextAreClipped) {
  const std::string_view text = "abc";
  EXPECT_EQ(mask_pii(text, {span(T::kPhone, 1, 100)}), "a[전화번호]");
  EXPECT_EQ(mask_pii(text, {span(T::kPhone, 50, 60)}), "abc");
  EXPECT_EQ(mask_pii(text, {span(T::kPhone, 2, 1)}), "abc");
  EXPECT_EQ(mask_pii(text, {span(T::kPhone, 1, 1)}), "abc");
}

TEST(MaskPii, EmptyInputs) {
  EXPECT_EQ(mask_pii("", {}), "");
  EXPECT_EQ(mask_pii("", {span(T::kPhone, 0, 3)}), "");
  EXPECT_EQ(mask_pii("안녕", {}), "안녕");
}

TEST(MaskPii, OutOfRangeTypeUsesGenericPlaceholder) {
  EXPECT_EQ(mask_pii("abc", {span(static_cast<PiiType>(200), 0, 3)}), "[개인정보]");
}

// ---------------------------------------------------------------------------
// Names and placeholders

TEST(PiiNames, NamesAndPlaceholdersAreStable) {
  const std::vector<std::pair<std::string_view, std::string_view>> expected = {
      {"resident_id", "[주민등록번호]"}, {"foreigner_id", "[외국인등록번호]"},
      {"phone", "[전화번호]"},           {"email", "[이메일]"},
      {"card", "[카드번호]"},            {"business_id", "[사업자등록번호]"},
      {"passport", "[여권번호]"},        {"driver_license", "[운전면허번호]"},
      {"ipv4", "[IP주소]"},
  };
  ASSERT_EQ(expected.size(), kPiiTypeCount);
  for (size_t k = 0; k < kPiiTypeCount; ++k) {
    const auto type = static_cast<PiiType>(k);
    EXPECT_EQ(pii_type_name(type), expected[k].first);
    EXPECT_EQ(pii_placeholder(type), expected[k].second);
  }
  EXPECT_EQ(pii_type_name(static_cast<PiiType>(kPiiTypeCount)), "unknown");
}

// ---------------------------------------------------------------------------
// Buffer reuse and robustness

TEST(FindPiiInto, ClearsAndReusesTheBuffer) {
  std::vector<PiiMatch> out;
  find_pii_into("010-1234-5678 kim@naver.com", out);
  EXPECT_EQ(out.size(), 2u);
  find_pii_into("nothing here", out);
  EXPECT_TRUE(out.empty());
  find_pii_into("192.168.0.1", out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], (PiiMatch{T::kIpv4, 0, 11, true}));
}

TEST(FindPii, ShortIpv4PassesThePreCheck) {
  // Only four digits: the fast pre-check must still let IPv4 through.
  const auto found = find_pii("0.0.0.0");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].type, T::kIpv4);
}

// The pre-check counts digits, '@' and '.' in 16- and 64-byte blocks: a match anywhere in a
// long text, at any offset across those blocks (and in the scalar tail), must still be found.
TEST(FindPii, FoundAtEveryOffsetOfALongText) {
  const std::string filler = "한국어 문장입니다 그리고 ";  // no digit, '@' or '.'
  for (const auto& [item, type] : std::vector<std::pair<std::string, T>>{
           {"010-1234-5678", T::kPhone}, {"kim@naver.com", T::kEmail}, {"0.0.0.0", T::kIpv4}}) {
    for (size_t offset = 0; offset < 150; ++offset) {
      std::string text;
      while (text.size() < offset) text += ' ';
      text += item;
      text += ' ';
      while (text.size() < 200 + offset % 7) text += filler;
      const auto found = find_pii(text);
      ASSERT_EQ(found.size(), 1u) << item << " at " << offset;
      EXPECT_EQ(found[0].type, type) << item << " at " << offset;
      EXPECT_EQ(found[0].begin, offset) << item;
    }
  }
}

TEST(FindPii, ByteOffsetsCountUtf8Bytes) {
  const std::string_view text = "가나다 010-1234-5678";  // three 3-byte syllables and a space
  const auto found = find_pii(text);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].begin, 10u);
  EXPECT_EQ(found[0].end, 23u);
}

TEST(FindPii, RandomBytesNeverBreakTheInvariants) {
  // Deterministic pseudo-random bytes biased toward digits and separators.
  const std::string_view alphabet = "0123456789-. @+()Mabc.\xea\xb0\x80\xff";
  uint32_t state = 12345;
  auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  };
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const size_t length = next() % 64;
    for (size_t k = 0; k < length; ++k) text.push_back(alphabet[next() % alphabet.size()]);
    const auto found = find_pii(text);
    size_t previous_end = 0;
    for (const PiiMatch& m : found) {
      ASSERT_LE(previous_end, m.begin) << text;
      ASSERT_LT(m.begin, m.end) << text;
      ASSERT_LE(m.end, text.size()) << text;
      previous_end = m.end;
    }
    (void)mask_pii(text, found);
  }
}

}  // namespace
}  // namespace dadeum
