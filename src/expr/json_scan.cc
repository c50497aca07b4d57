#include "expr/json_scan.h"

#include <charconv>
#include <cstring>

namespace elanus::expr::internal {
namespace {

bool IsWs(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool ReadHex4(const char* p, const char* end, uint32_t* out) {
  if (end - p < 4) return false;
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    int d = HexDigit(p[i]);
    if (d < 0) return false;
    v = v * 16 + static_cast<uint32_t>(d);
  }
  *out = v;
  return true;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// End of the string starting at p ('"'), just after the closing quote; nullptr if unterminated.
// Sets *escaped when the string contains a backslash.
const char* StringEnd(const char* p, const char* end, bool* escaped) {
  *escaped = false;
  for (++p; p < end; ++p) {
    const char* q = static_cast<const char*>(std::memchr(p, '"', end - p));
    if (q == nullptr) return nullptr;
    // Count the backslashes before the quote: an odd number escapes it.
    const char* b = q;
    while (b > p && b[-1] == '\\') --b;
    if (!*escaped && std::memchr(p, '\\', q - p) != nullptr) *escaped = true;
    if ((q - b) % 2 == 0) return q + 1;
    p = q;
  }
  return nullptr;
}

// Unescapes the body of a string token [p+1, e-1) into *out. False on bad escapes.
bool Unescape(const char* p, const char* e, std::string* out) {
  out->clear();
  for (const char* c = p + 1; c < e - 1; ++c) {
    if (*c != '\\') {
      out->push_back(*c);
      continue;
    }
    if (++c >= e - 1) return false;
    switch (*c) {
      case '"':
      case '\\':
      case '/':
        out->push_back(*c);
        break;
      case 'b':
        out->push_back('\b');
        break;
      case 'f':
        out->push_back('\f');
        break;
      case 'n':
        out->push_back('\n');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'u': {
        uint32_t cp = 0;
        if (!ReadHex4(c + 1, e - 1, &cp)) return false;
        c += 4;
        if (cp >= 0xD800 && cp < 0xDC00) {  // high surrogate: needs a low one
          uint32_t lo = 0;
          if (c + 2 >= e - 1 || c[1] != '\\' || c[2] != 'u' || !ReadHex4(c + 3, e - 1, &lo) ||
              lo < 0xDC00 || lo >= 0xE000) {
            return false;
          }
          c += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if (cp >= 0xDC00 && cp < 0xE000) {
          return false;
        }
        AppendUtf8(cp, out);
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

// Reads the string token at p into *out (a view of the text, or of *buf when escaped).
// Returns the end of the token or nullptr.
const char* ReadString(const char* p, const char* end, std::string_view* out, std::string* buf) {
  bool escaped = false;
  const char* e = StringEnd(p, end, &escaped);
  if (e == nullptr) return nullptr;
  if (!escaped) {
    *out = std::string_view(p + 1, e - p - 2);
    return e;
  }
  if (!Unescape(p, e, buf)) return nullptr;
  *out = *buf;
  return e;
}

bool IsNumberChar(char c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

// Canonical non-negative decimal ("0", "17"), as a JSON pointer array index.
bool ParseIndex(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 18 || (s.size() > 1 && s[0] == '0')) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

// Positions p at the member `key` of the object starting at p; nullptr when absent.
const char* FindMember(const char* p, const char* end, std::string_view key) {
  std::string key_buf;
  p = JsonSkipWs(p + 1, end);
  if (p < end && *p == '}') return nullptr;
  while (p < end && *p == '"') {
    std::string_view k;
    p = ReadString(p, end, &k, &key_buf);
    if (p == nullptr) return nullptr;
    p = JsonSkipWs(p, end);
    if (p >= end || *p != ':') return nullptr;
    p = JsonSkipWs(p + 1, end);
    if (k == key) return p;
    p = JsonSkipValue(p, end);
    if (p == nullptr) return nullptr;
    p = JsonSkipWs(p, end);
    if (p >= end || *p != ',') return nullptr;
    p = JsonSkipWs(p + 1, end);
  }
  return nullptr;
}

// Positions p at element `index` of the array starting at p; nullptr when absent.
const char* FindElement(const char* p, const char* end, int64_t index) {
  if (index < 0) return nullptr;
  p = JsonSkipWs(p + 1, end);
  if (p < end && *p == ']') return nullptr;
  for (int64_t i = 0; p < end; ++i) {
    if (i == index) return p;
    p = JsonSkipValue(p, end);
    if (p == nullptr) return nullptr;
    p = JsonSkipWs(p, end);
    if (p >= end || *p != ',') return nullptr;
    p = JsonSkipWs(p + 1, end);
  }
  return nullptr;
}

}  // namespace

const char* JsonSkipWs(const char* p, const char* end) {
  while (p < end && IsWs(*p)) ++p;
  return p;
}

const char* JsonSkipValue(const char* p, const char* end) {
  p = JsonSkipWs(p, end);
  if (p >= end) return nullptr;
  char c = *p;
  if (c == '"') {
    bool escaped = false;
    return StringEnd(p, end, &escaped);
  }
  if (c == '{' || c == '[') {
    // Track nesting; strings may contain brackets.
    int depth = 0;
    while (p < end) {
      char d = *p;
      if (d == '"') {
        bool escaped = false;
        p = StringEnd(p, end, &escaped);
        if (p == nullptr) return nullptr;
        continue;
      }
      if (d == '{' || d == '[') ++depth;
      if (d == '}' || d == ']') {
        if (--depth == 0) return p + 1;
      }
      ++p;
    }
    return nullptr;
  }
  const char* s = p;
  while (p < end && (IsNumberChar(*p) || (*p >= 'a' && *p <= 'z'))) ++p;
  return p == s ? nullptr : p;
}

JsonRef JsonDecode(std::string_view text, std::string* scratch) {
  JsonRef r;
  const char* end = text.data() + text.size();
  const char* p = JsonSkipWs(text.data(), end);
  if (p >= end) return r;
  const char* e = JsonSkipValue(p, end);
  if (e == nullptr) return r;
  r.raw = std::string_view(p, e - p);
  switch (*p) {
    case '"':
      if (ReadString(p, end, &r.str, scratch) == nullptr) return JsonRef{};
      r.kind = JsonKind::kString;
      return r;
    case '{':
      r.kind = JsonKind::kObject;
      return r;
    case '[':
      r.kind = JsonKind::kArray;
      return r;
    default:
      break;
  }
  if (r.raw == "true" || r.raw == "false") {
    r.kind = JsonKind::kBool;
    r.b = r.raw[0] == 't';
    return r;
  }
  if (r.raw == "null") {
    r.kind = JsonKind::kNull;
    return r;
  }
  bool is_float = r.raw.find_first_of(".eE") != std::string_view::npos;
  if (!is_float) {
    auto [ptr, ec] = std::from_chars(p, e, r.i);
    if (ec == std::errc() && ptr == e) {
      r.kind = JsonKind::kInt;
      return r;
    }
  }
  auto [ptr, ec] = std::from_chars(p, e, r.d);
  if (ec == std::errc() && ptr == e) {
    r.kind = JsonKind::kDouble;
    return r;
  }
  return JsonRef{};
}

JsonRef JsonFind(std::string_view doc, const std::vector<PathPart>& path, std::string* scratch) {
  const char* p = doc.data();
  const char* end = p + doc.size();
  for (const PathPart& part : path) {
    p = JsonSkipWs(p, end);
    if (p >= end) return JsonRef{};
    if (*p == '{') {
      if (const auto* key = std::get_if<std::string>(&part)) {
        p = FindMember(p, end, *key);
      } else {
        p = FindMember(p, end, std::to_string(std::get<int64_t>(part)));
      }
    } else if (*p == '[') {
      int64_t index = -1;
      if (const auto* key = std::get_if<std::string>(&part)) {
        if (!ParseIndex(*key, &index)) return JsonRef{};
      } else {
        index = std::get<int64_t>(part);
      }
      p = FindElement(p, end, index);
    } else {
      return JsonRef{};
    }
    if (p == nullptr) return JsonRef{};
  }
  return JsonDecode(std::string_view(p, end - p), scratch);
}

int64_t JsonArrayLength(const JsonRef& array) {
  const char* p = array.raw.data();
  const char* end = p + array.raw.size();
  p = JsonSkipWs(p + 1, end);
  if (p < end && *p == ']') return 0;
  int64_t n = 0;
  while (p < end) {
    p = JsonSkipValue(p, end);
    if (p == nullptr) return -1;
    ++n;
    p = JsonSkipWs(p, end);
    if (p >= end) return -1;
    if (*p == ']') return n;
    if (*p != ',') return -1;
    p = JsonSkipWs(p + 1, end);
  }
  return -1;
}

}  // namespace elanus::expr::internal
