// Record filters (brief §5): each drop names its reason.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dadeum/example.hpp"
#include "dadeum/status.hpp"

namespace dadeum {

class Tokenizer;

struct FilterOptions {
  bool drop_empty = true;          //!< a prompt or answer that is empty after normalization
  bool drop_echo = true;           //!< the answer repeats the prompt
  uint64_t min_answer_chars = 0;   //!< 0: no limit (characters are code points)
  uint64_t max_answer_chars = 0;
  uint64_t max_example_chars = 0;
  double min_hangul_ratio = 0.0;   //!< of the answer's letters (Hangul / (Hangul + Latin + Hanja)); 0: off
  std::vector<std::string> blocklist;  //!< substrings; a record holding any is dropped
  bool drop_boilerplate = false;   //!< "AI 언어 모델로서…" style refusals
  //! Limits in sentencepiece tokens (0: none), counted text by text as `stats --spm` counts
  //! them; they need `tokenizer`, which must outlive the filtering. The example is every turn
  //! (system included: the model reads it), the answer the assistant's turns.
  const Tokenizer* tokenizer = nullptr;
  uint64_t min_answer_tokens = 0;
  uint64_t max_answer_tokens = 0;
  uint64_t max_example_tokens = 0;
};

//! Reads a blocklist file: one pattern per line, '#' starts a comment, blank lines ignored.
Result<std::vector<std::string>> load_blocklist(const std::string& path);

//! Drops a kept record that fails a filter (stage "filter", the reason as code:
//! empty_prompt, empty_answer, echo, answer_too_short, answer_too_long, example_too_long,
//! answer_too_few_tokens, answer_too_many_tokens, example_too_many_tokens, low_hangul_ratio,
//! blocklist, boilerplate).
void filter_record(Example& example, const FilterOptions& options);

//! Code points of UTF-8 text (invalid bytes count one each).
uint64_t count_chars(std::string_view text);
//! Hangul share of the letters of `text`: Hangul / (Hangul + Latin + Hanja); 1 with no letters.
double hangul_ratio(std::string_view text);

}  // namespace dadeum
