#include "containerfile/shell_lex.h"

#include <array>
#include <cctype>

namespace safebuild {
namespace {

constexpr std::array<std::string_view, 10> kOperators = {
    "&&", "||", ";;", ">>", ">|", "&>", ">&", "<<", "<&", "|&"};

bool IsRedirect(std::string_view op) {
  return op == ">" || op == ">>" || op == ">|" || op == "&>" || op == ">&" ||
         op == "<" || op == "<<" || op == "<&";
}

class Lexer {
 public:
  explicit Lexer(const Segment& s) : s_(s), text_(s.text) {}

  std::vector<ShellCommand> Run();

 private:
  void Put(size_t i) {
    word_.Push(text_[i], s_.pos[i]);
    in_word_ = true;
  }
  void SingleQuote();
  void DoubleQuote();
  void CopyBalanced(char open, char close);
  void Operator();
  void EndWord();
  void EndCommand(bool same_pipeline, const std::string& op, size_t at);

  const Segment& s_;
  std::string_view text_;
  size_t i_ = 0;
  Segment word_;
  bool in_word_ = false;
  std::string redirect_;  // pending: the next word is its target
  size_t word_begin_ = 0;  // where the word being read starts
  size_t token_at_ = 0;    // where the token being read starts
  std::string last_op_;    // the control operator read last
  size_t last_op_at_ = 0;
  ShellCommand cmd_;
  int pipeline_ = 0;
  std::vector<ShellCommand> out_;
};

std::vector<ShellCommand> Lexer::Run() {
  while (i_ < text_.size()) {
    char c = text_[i_];
    char next = i_ + 1 < text_.size() ? text_[i_ + 1] : '\0';
    token_at_ = i_;
    if (!in_word_) word_begin_ = i_;
    if (c == '\n') {
      EndWord();
      EndCommand(false, "\n", i_);
      ++i_;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      EndWord();
      ++i_;
    } else if (c == '#' && !in_word_) {
      while (i_ < text_.size() && text_[i_] != '\n') ++i_;
    } else if (c == '\\') {
      if (next != '\n' && next != '\0') Put(i_ + 1);
      i_ += 2;
    } else if (c == '\'') {
      SingleQuote();
    } else if (c == '"') {
      DoubleQuote();
    } else if (c == '$' && (next == '(' || next == '{')) {
      Put(i_++);
      CopyBalanced(next, next == '(' ? ')' : '}');
    } else if (c == '`') {
      CopyBalanced('`', '`');
    } else if (c == ';' || c == '&' || c == '|' || c == '<' || c == '>' ||
               c == '(' || c == ')') {
      Operator();
    } else {
      Put(i_++);
    }
  }
  token_at_ = text_.size();
  EndWord();
  EndCommand(false, "", text_.size());
  return std::move(out_);
}

void Lexer::SingleQuote() {
  in_word_ = true;
  for (++i_; i_ < text_.size() && text_[i_] != '\''; ++i_) Put(i_);
  ++i_;
}

void Lexer::DoubleQuote() {
  in_word_ = true;
  ++i_;
  while (i_ < text_.size() && text_[i_] != '"') {
    char c = text_[i_];
    char next = i_ + 1 < text_.size() ? text_[i_ + 1] : '\0';
    if (c == '\\' &&
        (next == '"' || next == '\\' || next == '$' || next == '`')) {
      Put(i_ + 1);
      i_ += 2;
    } else if (c == '\\' && next == '\n') {
      i_ += 2;
    } else if (c == '$' && next == '(') {
      Put(i_++);
      CopyBalanced('(', ')');
    } else {
      Put(i_++);
    }
  }
  ++i_;
}

// Copies `open … close` into the word; parentheses and braces nest.
void Lexer::CopyBalanced(char open, char close) {
  Put(i_++);
  int depth = 1;
  while (i_ < text_.size() && depth > 0) {
    char c = text_[i_];
    Put(i_++);
    if (open == close) {
      if (c == close) depth = 0;
    } else if (c == open) {
      ++depth;
    } else if (c == close) {
      --depth;
    }
  }
}

void Lexer::Operator() {
  std::string op(1, text_[i_]);
  for (std::string_view two : kOperators) {
    if (text_.substr(i_, 2) == two) op = std::string(two);
  }
  i_ += op.size();
  if (IsRedirect(op)) {
    // "2>file": the digits name a descriptor, they are not a word.
    bool digits = in_word_ && !word_.text.empty();
    for (char c : word_.text) {
      digits = digits && std::isdigit(static_cast<unsigned char>(c));
    }
    if (digits) {
      word_ = Segment{};
      in_word_ = false;
    }
    EndWord();
    redirect_ = op;
    return;
  }
  EndWord();
  EndCommand(op == "|" || op == "|&", op, token_at_);
}

void Lexer::EndWord() {
  if (!in_word_) return;
  if (cmd_.words.empty() && cmd_.redirects.empty()) cmd_.pos = word_.PosOf(0);
  if (!redirect_.empty()) {
    cmd_.redirects.push_back({redirect_, std::move(word_)});
    redirect_.clear();
  } else {
    cmd_.words.push_back(std::move(word_));
    cmd_.raw_begin.push_back(word_begin_);
    cmd_.raw_end.push_back(token_at_);
  }
  word_ = Segment{};
  in_word_ = false;
}

void Lexer::EndCommand(bool same_pipeline, const std::string& op, size_t at) {
  if (!cmd_.words.empty() || !cmd_.redirects.empty()) {
    cmd_.pipeline = pipeline_;
    cmd_.op_before = last_op_;
    cmd_.op_before_at = last_op_at_;
    cmd_.op_after = op;
    cmd_.op_after_at = at;
    out_.push_back(std::move(cmd_));
  }
  last_op_ = op;
  last_op_at_ = at;
  cmd_ = ShellCommand{};
  redirect_.clear();
  if (!same_pipeline) ++pipeline_;
}

bool IsAssignment(std::string_view w) {
  size_t eq = w.find('=');
  if (eq == 0 || eq == std::string_view::npos) return false;
  for (size_t i = 0; i < eq; ++i) {
    unsigned char c = static_cast<unsigned char>(w[i]);
    if (!std::isalnum(c) && c != '_') return false;
  }
  return !std::isdigit(static_cast<unsigned char>(w[0]));
}

std::string_view Basename(std::string_view w) {
  size_t slash = w.rfind('/');
  return slash == std::string_view::npos ? w : w.substr(slash + 1);
}

}  // namespace

size_t ShellCommand::NameIndex() const {
  size_t i = 0;
  while (i < words.size()) {
    std::string_view w = words[i].text;
    std::string_view base = Basename(w);
    if (IsAssignment(w)) {
      ++i;
    } else if (base == "sudo" || base == "env" || base == "exec" ||
               base == "command" || base == "nohup" || base == "time") {
      // Skip the wrapper and its options.
      for (++i; i < words.size() && !words[i].text.empty() &&
                words[i].text[0] == '-';) {
        ++i;
      }
    } else {
      return i;
    }
  }
  return words.size();
}

std::string ShellCommand::Name() const {
  size_t i = NameIndex();
  return i < words.size() ? std::string(Basename(words[i].text))
                          : std::string();
}

std::vector<ShellCommand> LexCommands(const Segment& script) {
  return Lexer(script).Run();
}

}  // namespace safebuild
