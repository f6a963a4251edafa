// Sentencepiece token counts (`dadeum stats --spm MODEL`) and training a model on the texts of
// some inputs (`dadeum tokenizer train`). Only src/tokenizer.cpp includes sentencepiece.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "dadeum/pipeline.hpp"
#include "dadeum/reader.hpp"
#include "dadeum/status.hpp"

namespace dadeum {

//! A loaded sentencepiece model. count() is const and thread-safe, so one Tokenizer serves
//! every thread of the pipeline.
class Tokenizer {
 public:
  //! Loads any sentencepiece model file (unigram or BPE, ours or another's).
  static Result<std::unique_ptr<Tokenizer>> load(const std::string& model_path);
  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  //! Number of pieces sentencepiece encodes `text` into (0 for an empty text).
  uint32_t count(std::string_view text) const;
  uint32_t vocab_size() const;
  const std::string& path() const { return path_; }

 private:
  Tokenizer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string path_;
};

struct TokenizerTrainOptions {
  uint32_t vocab_size = 8000;           //!< target vocabulary (a soft limit: small corpora get fewer)
  double character_coverage = 0.9995;   //!< rarer characters become <unk>
  bool split_by_whitespace = true;      //!< pieces never cross a space, i.e. stay inside one 어절
  uint64_t max_sentences = 2'000'000;   //!< lines sampled for training (0: all)
};

//! What was trained on and where the model went.
struct TokenizerTrainResult {
  uint64_t records = 0;  //!< valid records read
  uint64_t texts = 0;    //!< non-empty texts
  uint64_t lines = 0;    //!< non-blank lines written for training
  uint64_t bytes = 0;    //!< bytes of those lines
  std::string model_path;  //!< PREFIX.model
  std::string vocab_path;  //!< PREFIX.vocab
  uint32_t vocab_size = 0; //!< pieces in the trained model
};

//! The model prefix for an output name: "out/ko" and "out/ko.model" both give "out/ko".
std::string tokenizer_prefix(std::string_view output);

//! Trains a unigram model on a text file of one sentence per line, writing PREFIX.model and
//! PREFIX.vocab. Sentencepiece's own logging is silenced.
Status train_tokenizer_on_file(const std::string& text_path, const std::string& prefix,
                               const TokenizerTrainOptions& options);

//! Streams every valid record of `reader`, writes each text's non-blank lines to a temporary
//! file beside the model (removed afterwards) and trains on it. `on_batch`, when set, sees each
//! batch in input order first (to report rejects) and may stop the run with an error.
Result<TokenizerTrainResult> train_tokenizer(InputReader& reader, const PipelineOptions& pipeline,
                                             const std::string& output,
                                             const TokenizerTrainOptions& options,
                                             const BatchSink& on_batch, Counts& counts);

}  // namespace dadeum
