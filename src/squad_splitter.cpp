// SQuAD-style JSON (SQuAD v1.1/v2.0, KorQuAD):
//   {"version": ..., "data": [{"title", "paragraphs": [{"context", "qas": [{"id", "question",
//    "answers": [{"text", "answer_start"}]}]}]}]}
// becomes one alpaca record per question, so every command reads it like any other input:
//   {"id": ID, "instruction": QUESTION, "input": CONTEXT, "output": FIRST ANSWER, "title": TITLE}
// The JSON string tokens are copied as they are (escapes included), so nothing is decoded or
// re-escaped here; the parser validates each record later. Each record points at the line and
// byte of its question. The document is walked once when loaded; members may come in any order
// (KorQuAD puts "qas" before "context" and "paragraphs" before "title").
#include <algorithm>
#include <cctype>

#include "detail/read_all.hpp"
#include "detail/splitter.hpp"

namespace dadeum::detail {
namespace {

// A lenient cursor over JSON text: just enough structure to find the SQuAD members. Anything
// malformed inside a value that is copied is left for the parser to reject.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  size_t pos() const { return pos_; }
  uint64_t line() const { return line_; }
  bool at_end() { return skip_space(), pos_ >= text_.size(); }
  char peek() { return at_end() ? '\0' : text_[pos_]; }
  void start_at(size_t pos) { pos_ = pos; }

  bool consume(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }

  // A string token, quotes included.
  bool string(std::string_view& token) {
    if (peek() != '"') return false;
    size_t begin = pos_++;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\') ++pos_;
      else if (text_[pos_] == '\n') ++line_;
      ++pos_;
    }
    if (pos_ >= text_.size()) return false;
    token = text_.substr(begin, ++pos_ - begin);
    return true;
  }

  // Any value; `token` is its text.
  bool value(std::string_view& token) {
    char c = peek();
    if (c == '"') return string(token);
    size_t begin = pos_;
    if (c == '{' || c == '[') {
      int depth = 0;
      std::string_view ignored;
      while (pos_ < text_.size()) {
        c = text_[pos_];
        if (c == '"') {
          if (!string(ignored)) return false;
          continue;
        }
        if (c == '\n') ++line_;
        if (c == '{' || c == '[') ++depth;
        if (c == '}' || c == ']') --depth;
        ++pos_;
        if (depth == 0) break;
      }
      if (depth != 0) return false;
    } else {
      while (pos_ < text_.size() && std::string_view(",}] \t\r\n").find(text_[pos_]) == std::string_view::npos) ++pos_;
      if (pos_ == begin) return false;
    }
    token = text_.substr(begin, pos_ - begin);
    return true;
  }

  bool skip_value() {
    std::string_view ignored;
    return value(ignored);
  }

  // Calls `member(key)` for each member of the object at the cursor; `member` consumes the
  // value and returns false on a syntax error. Keys are compared as written (no escapes).
  template <class F>
  bool object(F&& member) {
    if (!consume('{')) return false;
    if (consume('}')) return true;
    while (true) {
      std::string_view key;
      if (!string(key) || !consume(':')) return false;
      if (!member(key.substr(1, key.size() - 2))) return false;
      if (consume('}')) return true;
      if (!consume(',')) return false;
    }
  }

  template <class F>
  bool array(F&& element) {
    if (!consume('[')) return false;
    if (consume(']')) return true;
    while (true) {
      if (!element()) return false;
      if (consume(']')) return true;
      if (!consume(',')) return false;
    }
  }

 private:
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
      if (text_[pos_] == '\n') ++line_;
      ++pos_;
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  uint64_t line_ = 1;
};

// One question found in the document: the tokens of its record, or why it has none.
struct Question {
  uint64_t line = 0;
  uint64_t byte_offset = 0;
  std::string_view id, question, context, answer, title;  // JSON tokens (quotes included)
  std::string reject_code, reject_message;
};

bool is_string(std::string_view token) { return !token.empty() && token.front() == '"'; }

class SquadSplitter final : public RecordSplitter {
 public:
  SquadSplitter(std::unique_ptr<ByteSource> source, std::string head, SplitLimits limits)
      : source_(std::move(source)), doc_(std::move(head)), limits_(limits) {}

  Result<bool> fill(std::string& buffer, std::vector<PendingRecord>& records) override {
    if (!loaded_) {
      loaded_ = true;
      DADEUM_RETURN_IF_ERROR(read_all(*source_, doc_, data_error_));
      walk();
    }
    buffer.clear();
    while (next_ < questions_.size() && buffer.size() < limits_.batch_bytes) add(questions_[next_++], buffer, records);
    return !records.empty();
  }

 private:
  void walk() {
    Cursor cursor(doc_);
    if (doc_.compare(0, 3, "\xEF\xBB\xBF") == 0) cursor.start_at(3);
    bool ok = cursor.object([&](std::string_view key) {
      if (key != "data") return cursor.skip_value();
      return cursor.array([&] { return article(cursor); });
    });
    if (ok && !cursor.at_end()) {
      problem(cursor, "invalid_json", "unexpected data after the JSON document");
    } else if (!ok) {
      if (!data_error_.empty()) {
        problem(cursor, "truncated_input", "input ends early: " + data_error_);
      } else {
        problem(cursor, "invalid_json", cursor.at_end() ? "the SQuAD document ends early" : "the SQuAD document is not valid JSON here");
      }
    }
  }

  // A reject that stops the walk: the questions before it are kept.
  void problem(Cursor& cursor, std::string code, std::string message) {
    Question entry;
    entry.line = cursor.line();
    entry.byte_offset = std::min(cursor.pos(), doc_.size());
    entry.reject_code = std::move(code);
    entry.reject_message = std::move(message);
    questions_.push_back(std::move(entry));
  }

  bool article(Cursor& cursor) {
    if (cursor.peek() != '{') return wrong_shape(cursor, "a 'data' element is not an object");
    size_t first = questions_.size();
    std::string_view title;
    bool ok = cursor.object([&](std::string_view key) {
      if (key == "title") return cursor.value(title);
      if (key != "paragraphs") return cursor.skip_value();
      if (cursor.peek() != '[') return wrong_shape(cursor, "'paragraphs' is not an array");
      return cursor.array([&] { return paragraph(cursor); });
    });
    if (is_string(title)) {
      for (size_t idx = first; idx < questions_.size(); ++idx) questions_[idx].title = title;
    }
    return ok;
  }

  bool paragraph(Cursor& cursor) {
    if (cursor.peek() != '{') return wrong_shape(cursor, "a paragraph is not an object");
    size_t first = questions_.size();
    uint64_t line = cursor.line();
    size_t offset = cursor.pos();
    std::string_view context;
    bool ok = cursor.object([&](std::string_view key) {
      if (key == "context") return cursor.value(context);
      if (key != "qas") return cursor.skip_value();
      if (cursor.peek() != '[') return wrong_shape(cursor, "'qas' is not an array");
      return cursor.array([&] { return question(cursor); });
    });
    if (!ok) {
      // Broken JSON inside the paragraph: its questions are kept only if the context came first.
      if (is_string(context)) {
        for (size_t idx = first; idx < questions_.size(); ++idx) questions_[idx].context = context;
      } else {
        questions_.resize(first);
      }
      return false;
    }
    if (!is_string(context)) {
      // Its questions cannot be read without the passage: one reject for the paragraph.
      questions_.resize(first);
      Question entry;
      entry.line = line;
      entry.byte_offset = offset;
      entry.reject_code = context.empty() ? "missing_field" : "wrong_type";
      entry.reject_message = context.empty() ? "paragraph has no 'context'" : "paragraph 'context' is not a string";
      questions_.push_back(std::move(entry));
      return true;
    }
    for (size_t idx = first; idx < questions_.size(); ++idx) questions_[idx].context = context;
    return true;
  }

  bool question(Cursor& cursor) {
    Question entry;
    cursor.peek();
    entry.line = cursor.line();
    entry.byte_offset = cursor.pos();
    if (cursor.peek() != '{') {
      entry.reject_code = "not_object";
      entry.reject_message = "a 'qas' element is not an object";
      questions_.push_back(std::move(entry));
      return cursor.skip_value();
    }
    std::string_view plausible;  // SQuAD 2.0: the answer-like span of an unanswerable question
    bool ok = cursor.object([&](std::string_view key) {
      if (key == "id") return cursor.value(entry.id);
      if (key == "question") {
        cursor.peek();  // the question's own line, not the key's
        entry.line = cursor.line();
        entry.byte_offset = cursor.pos();
        return cursor.value(entry.question);
      }
      if (key == "answers") return first_answer(cursor, entry.answer);
      if (key == "plausible_answers") return first_answer(cursor, plausible);
      return cursor.skip_value();
    });
    if (!ok) return false;
    if (entry.answer.empty()) entry.answer = plausible;
    if (!entry.id.empty() && !is_string(entry.id) && !(std::isdigit(static_cast<unsigned char>(entry.id[0])) || entry.id[0] == '-')) {
      entry.id = {};  // an id that is neither a string nor a number is not an id
    }
    if (entry.question.empty() || entry.answer.empty()) {
      entry.reject_code = "missing_field";
      entry.reject_message = entry.question.empty() ? "question has no 'question'" : "question has no answer text";
    } else if (!is_string(entry.question)) {
      entry.reject_code = "wrong_type";
      entry.reject_message = "'question' is not a string";
    }
    questions_.push_back(std::move(entry));
    return true;
  }

  // The "text" of the first answer object that has one.
  bool first_answer(Cursor& cursor, std::string_view& text) {
    if (cursor.peek() != '[') return cursor.skip_value();
    return cursor.array([&] {
      if (cursor.peek() != '{') return cursor.skip_value();
      return cursor.object([&](std::string_view key) {
        std::string_view token;
        if (!cursor.value(token)) return false;
        if (key == "text" && text.empty() && is_string(token)) text = token;
        return true;
      });
    });
  }

  // A member of the wrong kind: one reject at its place, and the walk goes on after it.
  bool wrong_shape(Cursor& cursor, std::string message) {
    Question entry;
    entry.line = cursor.line();
    entry.byte_offset = cursor.pos();
    entry.reject_code = "wrong_type";
    entry.reject_message = std::move(message);
    questions_.push_back(std::move(entry));
    return cursor.skip_value();
  }

  void add(const Question& entry, std::string& buffer, std::vector<PendingRecord>& records) {
    PendingRecord record;
    record.offset = buffer.size();
    record.line = entry.line;
    record.byte_offset = entry.byte_offset;
    if (!entry.reject_code.empty()) {
      // The raw bytes of a reject are the document from the problem on (a prefix).
      size_t from = std::min<size_t>(entry.byte_offset, doc_.size());
      size_t length = std::min(doc_.size() - from, size_t{200});
      while (length > 0 && from + length < doc_.size() && (doc_[from + length] & 0xC0) == 0x80) --length;  // whole characters
      buffer.append(doc_, from, length);
      record.reject_code = entry.reject_code;
      record.reject_message = entry.reject_message;
    } else {
      buffer += '{';
      if (!entry.id.empty()) {
        buffer += "\"id\":";
        buffer += entry.id;
        buffer += ',';
      }
      buffer += "\"instruction\":";
      buffer += entry.question;
      buffer += ",\"input\":";
      buffer += entry.context;
      buffer += ",\"output\":";
      buffer += entry.answer;
      if (!entry.title.empty()) {
        buffer += ",\"title\":";
        buffer += entry.title;
      }
      buffer += '}';
    }
    record.length = buffer.size() - record.offset;
    if (record.reject_code.empty() && record.length > limits_.max_line_bytes) {
      buffer.resize(record.offset + std::min(record.length, kRejectRawPrefix));
      record.reject_code = "line_too_long";
      record.reject_message = "record is " + std::to_string(record.length) + " bytes, over the limit of " +
                              std::to_string(limits_.max_line_bytes);
      record.length = buffer.size() - record.offset;
    }
    records.push_back(std::move(record));
  }

  std::unique_ptr<ByteSource> source_;
  std::string doc_;
  SplitLimits limits_;
  std::string data_error_;
  bool loaded_ = false;
  std::vector<Question> questions_;
  size_t next_ = 0;
};

}  // namespace

bool looks_like_squad(std::string_view head) {
  // A top-level object whose "data" array starts with an object that has "paragraphs".
  Cursor cursor(head);
  if (head.substr(0, 3) == "\xEF\xBB\xBF") cursor.start_at(3);
  if (!cursor.consume('{')) return false;
  while (true) {
    std::string_view key;
    if (!cursor.string(key) || !cursor.consume(':')) return false;
    if (key == "\"data\"") break;
    if (!cursor.skip_value() || !cursor.consume(',')) return false;
  }
  if (!cursor.consume('[') || !cursor.consume('{')) return false;
  while (true) {
    std::string_view key;
    if (!cursor.string(key) || !cursor.consume(':')) return false;
    if (key == "\"paragraphs\"") return true;
    if (!cursor.skip_value() || !cursor.consume(',')) return false;
  }
}

std::unique_ptr<RecordSplitter> make_squad_splitter(std::unique_ptr<ByteSource> source, std::string head,
                                                    SplitLimits limits) {
  return std::make_unique<SquadSplitter>(std::move(source), std::move(head), limits);
}

}  // namespace dadeum::detail
