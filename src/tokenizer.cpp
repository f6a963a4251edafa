// Sentencepiece: token counts and training. The only file that includes sentencepiece.
#include "dadeum/tokenizer.hpp"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>
#include <unistd.h>

#include <cstdio>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <unordered_map>
#include <vector>

namespace dadeum {
namespace {

constexpr unsigned int kTrainSeed = 20261122;  // fixed: tokenizer training is reproducible

Status from_spm(const sentencepiece::util::Status& status, const std::string& context) {
  if (status.ok()) return Status::ok();
  return Status(StatusCode::kInvalidArgument, context + ": " + status.ToString());
}

bool blank(std::string_view line) {
  for (char ch : line) {
    if (ch != ' ' && ch != '\t' && ch != '\r') return false;
  }
  return true;
}

// The lines of a text file, for sentencepiece's trainer.
class LineIterator : public sentencepiece::SentenceIterator {
 public:
  explicit LineIterator(const std::string& path) : in_(path, std::ios::binary), path_(path) {
    if (!in_) status_ = sentencepiece::util::Status(sentencepiece::util::StatusCode::kNotFound, "cannot read " + path);
    Next();
  }
  bool done() const override { return done_; }
  void Next() override { done_ = !std::getline(in_, line_); }
  const std::string& value() const override { return line_; }
  sentencepiece::util::Status status() const override {
    if (status_.ok() && in_.bad()) return sentencepiece::util::Status(sentencepiece::util::StatusCode::kInternal, "cannot read " + path_);
    return status_;
  }

 private:
  std::ifstream in_;
  std::string path_;
  std::string line_;
  bool done_ = false;
  sentencepiece::util::Status status_;
};

// A temporary file beside the model, removed when this goes out of scope.
class TempText {
 public:
  ~TempText() {
    if (file_ != nullptr) std::fclose(file_);
    if (!path_.empty()) std::filesystem::remove(path_);
  }
  Status open(const std::string& prefix) {
    std::string pattern = prefix + ".train-XXXXXX";
    int fd = ::mkstemp(pattern.data());
    if (fd < 0) return io_error("cannot create a temporary file beside " + prefix);
    path_ = pattern;
    file_ = ::fdopen(fd, "wb");
    if (file_ == nullptr) {
      ::close(fd);
      return io_error("cannot open " + path_);
    }
    return Status::ok();
  }
  Status write(std::string_view bytes) {
    if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
      return io_error("cannot write " + path_);
    }
    return Status::ok();
  }
  Status close() {
    int result = std::fclose(file_);
    file_ = nullptr;
    return result == 0 ? Status::ok() : io_error("cannot write " + path_);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

// Per batch: the training lines and how many texts and lines they came from.
struct TrainBatch {
  uint64_t records = 0;
  uint64_t texts = 0;
  uint64_t lines = 0;
};

}  // namespace

struct Tokenizer::Impl {
  sentencepiece::SentencePieceProcessor processor;
};

Tokenizer::Tokenizer() : impl_(std::make_unique<Impl>()) {}
Tokenizer::~Tokenizer() = default;

Result<std::unique_ptr<Tokenizer>> Tokenizer::load(const std::string& model_path) {
  std::unique_ptr<Tokenizer> tokenizer(new Tokenizer());
  if (!std::filesystem::exists(model_path)) return Status(StatusCode::kNotFound, "cannot open " + model_path);
  Status status = from_spm(tokenizer->impl_->processor.Load(model_path), "cannot load sentencepiece model " + model_path);
  if (!status.is_ok()) return status;
  tokenizer->path_ = model_path;
  return tokenizer;
}

uint32_t Tokenizer::count(std::string_view text) const {
  if (text.empty()) return 0;
  std::vector<int> ids;
  if (!impl_->processor.Encode(text, &ids).ok()) return 0;
  return static_cast<uint32_t>(ids.size());
}

uint32_t Tokenizer::vocab_size() const { return static_cast<uint32_t>(impl_->processor.GetPieceSize()); }

std::string tokenizer_prefix(std::string_view output) {
  constexpr std::string_view kSuffix = ".model";
  if (output.size() > kSuffix.size() && output.substr(output.size() - kSuffix.size()) == kSuffix) {
    output.remove_suffix(kSuffix.size());
  }
  return std::string(output);
}

Status train_tokenizer_on_file(const std::string& text_path, const std::string& prefix,
                               const TokenizerTrainOptions& options) {
  if (options.vocab_size < 8) return invalid_argument("--vocab-size must be at least 8");
  // Key-value arguments, so that paths with spaces need no quoting. The texts come through an
  // iterator, not as "input": the model records its input's name, which would make it differ
  // from run to run (the text file has a temporary name).
  std::unordered_map<std::string, std::string> args = {
      {"model_prefix", prefix},
      {"model_type", "unigram"},
      {"vocab_size", std::to_string(options.vocab_size)},
      {"character_coverage", std::to_string(options.character_coverage)},
      {"split_by_whitespace", options.split_by_whitespace ? "true" : "false"},
      // dadeum normalizes text itself; NFKC would turn ㅋ into a conjoining jamo (docs/stats.md).
      {"normalization_rule_name", "identity"},
      {"hard_vocab_limit", "false"},  // a small corpus gets a smaller vocabulary, not an error
      {"max_sentence_length", "16384"},
      // One thread: the unigram trainer sums each thread's share of the expected counts, so the
      // scores (and sometimes the pieces) would depend on the thread count.
      {"num_threads", "1"},
      {"minloglevel", "2"},
  };
  if (options.max_sentences != 0) {
    args["input_sentence_size"] = std::to_string(options.max_sentences);
    args["shuffle_input_sentence"] = "true";
  }
  // sentencepiece seeds its generator from std::random_device unless told otherwise, and the
  // model then differs from run to run: the same texts must give the same model.
  sentencepiece::SetRandomGeneratorSeed(kTrainSeed);
  LineIterator lines(text_path);
  const sentencepiece::util::Status trained = sentencepiece::SentencePieceTrainer::Train(args, &lines);
  // "Vocabulary size is smaller than required_chars. 800 vs 1225." names sentencepiece's own
  // flags; say it in dadeum's terms.
  unsigned asked = 0, needed = 0;
  const std::string message = trained.ok() ? "" : trained.ToString();
  const size_t at = message.find("smaller than required_chars. ");
  if (at != std::string::npos &&
      std::sscanf(message.c_str() + at, "smaller than required_chars. %u vs %u", &asked, &needed) == 2) {
    char coverage[16];
    std::snprintf(coverage, sizeof coverage, "%.2f%%", 100 * options.character_coverage);
    return invalid_argument("--vocab-size " + std::to_string(options.vocab_size) + " is smaller than the " +
                            std::to_string(needed) + " characters the texts need (the characters that make up " +
                            coverage + " of the text each become a piece): ask for more than " + std::to_string(needed));
  }
  return from_spm(trained, "sentencepiece training failed");
}

Result<TokenizerTrainResult> train_tokenizer(InputReader& reader, const PipelineOptions& pipeline,
                                             const std::string& output,
                                             const TokenizerTrainOptions& options,
                                             const BatchSink& on_batch, Counts& counts) {
  if (options.vocab_size < 8) return invalid_argument("--vocab-size must be at least 8");
  TokenizerTrainResult result;
  std::string prefix = tokenizer_prefix(output);
  TempText text;
  DADEUM_RETURN_IF_ERROR(text.open(prefix));

  auto stage = [](Batch& batch) {
    auto partial = std::make_shared<TrainBatch>();
    for (const Example& record : batch.records) {
      if (!record.kept()) continue;
      ++partial->records;
      for (const Turn& turn : record.turns) {
        if (blank(turn.text)) continue;
        ++partial->texts;
        size_t pos = 0;
        while (pos <= turn.text.size()) {  // one training sentence per line of the text
          size_t end = turn.text.find('\n', pos);
          if (end == std::string::npos) end = turn.text.size();
          std::string_view line(turn.text.data() + pos, end - pos);
          if (!blank(line)) {
            batch.output.append(line);
            batch.output += '\n';
            ++partial->lines;
          }
          pos = end + 1;
        }
      }
    }
    batch.stage_counts = partial;
  };
  auto sink = [&](Batch& batch) -> Status {
    if (on_batch) DADEUM_RETURN_IF_ERROR(on_batch(batch));
    if (auto* partial = static_cast<TrainBatch*>(batch.stage_counts.get())) {
      result.records += partial->records;
      result.texts += partial->texts;
      result.lines += partial->lines;
    }
    result.bytes += batch.output.size();
    return text.write(batch.output);
  };
  DADEUM_RETURN_IF_ERROR(run_stream(reader, pipeline, stage, sink, counts));
  DADEUM_RETURN_IF_ERROR(text.close());
  if (result.lines == 0) return data_error("no text to train on: the inputs have no valid record with text");

  DADEUM_RETURN_IF_ERROR(train_tokenizer_on_file(text.path(), prefix, options));
  result.model_path = prefix + ".model";
  result.vocab_path = prefix + ".vocab";
  Result<std::unique_ptr<Tokenizer>> trained = Tokenizer::load(result.model_path);
  if (!trained.is_ok()) return trained.status();
  result.vocab_size = trained.value()->vocab_size();
  return result;
}

}  // namespace dadeum
