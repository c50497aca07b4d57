#include "server/server_options.h"

#include <charconv>
#include <fstream>
#include <map>
#include <vector>

namespace elanus::server {
namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  std::string t = s.substr(b, e - b + 1);
  if (t.size() >= 2 && (t.front() == '"' || t.front() == '\'') && t.back() == t.front())
    t = t.substr(1, t.size() - 2);
  return t;
}

Status ParseIntValue(const std::string& key, const std::string& v, int lo, int hi, int* out) {
  int n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size() || n < lo || n > hi) {
    return Status::InvalidArgument(key + " = '" + v + "': expected an integer in [" +
                                   std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  *out = n;
  return Status::OK();
}

Status Apply(const std::string& key, const std::string& value, ServeOptions* o) {
  if (key == "host") {
    o->host = value;
  } else if (key == "port") {
    return ParseIntValue(key, value, 0, 65535, &o->port);
  } else if (key == "health_port") {
    return ParseIntValue(key, value, 0, 65535, &o->health_port);
  } else if (key == "data_dir") {
    o->data_dir = value;
  } else if (key == "threads") {
    return ParseIntValue(key, value, 0, 1024, &o->threads);
  } else if (key == "graceful_time_ms") {
    return ParseIntValue(key, value, 0, 86'400'000, &o->graceful_time_ms);
  } else if (key == "sync") {
    if (value != "true" && value != "false")
      return Status::InvalidArgument("sync = '" + value + "': expected true or false");
    o->sync = value == "true";
  } else {
    return Status::InvalidArgument("unknown option '" + key + "'");
  }
  return Status::OK();
}

Status LoadConfig(const std::string& path, ServeOptions* o) {
  std::ifstream in(path);
  if (!in) return Status::IOError("cannot read config file '" + path + "'");
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    size_t hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    if (Trim(line).empty()) continue;
    size_t colon = line.find(':');
    if (colon == std::string::npos) {
      return Status::InvalidArgument(path + ":" + std::to_string(lineno) +
                                     ": expected 'key: value'");
    }
    Status st = Apply(Trim(line.substr(0, colon)), Trim(line.substr(colon + 1)), o);
    if (!st.ok()) return st.WithContext(path + ":" + std::to_string(lineno));
  }
  return Status::OK();
}

}  // namespace

const char* ServeUsage() {
  return "usage: elanus serve [--host H] [--port P] [--health-port P] [--data-dir DIR]\n"
         "                    [--threads N] [--no-sync] [--graceful-time-ms MS]\n"
         "                    [--config FILE]\n"
         "  Serves the Milvus 2.6 gRPC protocol (pymilvus, Milvus SDKs) and the Milvus\n"
         "  REST API v2 (/v2/vectordb/...) on H:P\n"
         "  (default 127.0.0.1:19530) and GET /healthz and /metrics on the health port\n"
         "  (default 9091, 0 disables). Data lives in DIR (default ./elanus-data).\n"
         "  Bounded-consistency reads may miss writes younger than the graceful time\n"
         "  (default 5000 ms). SIGINT/SIGTERM stop it gracefully.\n";
}

Result<ServeOptions> ParseServeOptions(int argc, char** argv) {
  // First the config file, then the flags on top.
  std::vector<std::pair<std::string, std::string>> flags;
  std::string config;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--no-sync") {
      flags.emplace_back("sync", "false");
      continue;
    }
    if (a.rfind("--", 0) != 0) return Status::InvalidArgument("unexpected argument '" + a + "'");
    std::string key = a.substr(2), value;
    size_t eq = key.find('=');
    if (eq != std::string::npos) {
      value = key.substr(eq + 1);
      key.resize(eq);
    } else {
      if (i + 1 >= argc) return Status::InvalidArgument("flag '" + a + "' needs a value");
      value = argv[++i];
    }
    for (char& c : key)
      if (c == '-') c = '_';
    if (key == "config")
      config = value;
    else
      flags.emplace_back(key, value);
  }
  ServeOptions o;
  if (!config.empty()) ELANUS_RETURN_IF_ERROR(LoadConfig(config, &o));
  for (const auto& [k, v] : flags) ELANUS_RETURN_IF_ERROR(Apply(k, v, &o));
  return o;
}

}  // namespace elanus::server
