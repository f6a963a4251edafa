// The ICU normalizers the rules use, looked up once. Null when ICU's data is
// missing; the nfc and nfkc rules then leave text unchanged.
#pragma once

#include <unicode/normalizer2.h>

namespace dadeum::detail {

const icu::Normalizer2* nfc_normalizer() noexcept;
const icu::Normalizer2* nfkc_normalizer() noexcept;

}  // namespace dadeum::detail
