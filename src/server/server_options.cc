#include "server/server_options.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <map>
#include <vector>

namespace elanus::server {
namespace {

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

Status ParseBoolValue(const std::string& key, const std::string& v, bool* out) {
  if (v == "true" || v == "True" || v == "TRUE") {
    *out = true;
  } else if (v == "false" || v == "False" || v == "FALSE") {
    *out = false;
  } else {
    return Status::InvalidArgument(key + " = '" + v + "': expected true or false");
  }
  return Status::OK();
}

// Config keys (Milvus names and `elanus.*`) that are aliases of a flag name.
const std::map<std::string, std::string>& KeyAliases() {
  static const std::map<std::string, std::string> kAliases = {
      {"proxy.port", "port"},
      {"proxy.grpc.serverMaxRecvSize", "max_recv_bytes"},
      {"localStorage.path", "data_dir"},
      {"common.security.authorizationEnabled", "auth"},
      {"common.security.defaultRootPassword", "default_root_password"},
      {"common.security.tlsMode", "tls_mode"},
      {"tls.serverPemPath", "tls_server_pem"},
      {"tls.serverKeyPath", "tls_server_key"},
      {"tls.caPemPath", "tls_ca_pem"},
      {"elanus.host", "host"},
      {"elanus.port", "port"},
      {"elanus.health_port", "health_port"},
      {"elanus.data_dir", "data_dir"},
      {"elanus.threads", "threads"},
      {"elanus.sync", "sync"},
      {"elanus.graceful_time_ms", "graceful_time_ms"},
  };
  return kAliases;
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
  } else if (key == "max_recv_bytes") {
    return ParseIntValue(key, value, 1024, 2147483647, &o->max_recv_bytes);
  } else if (key == "sync") {
    return ParseBoolValue(key, value, &o->sync);
  } else if (key == "auth") {
    return ParseBoolValue(key, value, &o->auth);
  } else if (key == "default_root_password") {
    o->default_root_password = value;
  } else if (key == "tls_mode") {
    return ParseIntValue(key, value, 0, 2, &o->tls_mode);
  } else if (key == "tls_server_pem") {
    o->tls_server_pem = value;
  } else if (key == "tls_server_key") {
    o->tls_server_key = value;
  } else if (key == "tls_ca_pem") {
    o->tls_ca_pem = value;
  } else {
    return Status::InvalidArgument("unknown option '" + key + "'");
  }
  return Status::OK();
}

// A config key: a Milvus/elanus dotted name or a top-level flag name.
Status ApplyConfigKey(const std::string& key, const std::string& value, ServeOptions* o) {
  auto it = KeyAliases().find(key);
  if (it != KeyAliases().end()) return Apply(it->second, value, o).WithContext(key);
  if (key.find('.') != std::string::npos)
    return Status::InvalidArgument("unknown config key '" + key + "'");
  return Apply(key, value, o);
}

// Flattens nested maps into dotted keys, in document order; only scalar leaves are allowed.
Status Flatten(const YAML::Node& node, const std::string& prefix,
               std::vector<std::pair<std::string, std::string>>* out) {
  for (const auto& kv : node) {
    std::string key = kv.first.as<std::string>();
    std::string full = prefix.empty() ? key : prefix + "." + key;
    const YAML::Node& v = kv.second;
    if (v.IsMap()) {
      ELANUS_RETURN_IF_ERROR(Flatten(v, full, out));
    } else if (v.IsScalar()) {
      out->emplace_back(full, v.Scalar());
    } else {
      return Status::InvalidArgument("config key '" + full + "': expected a scalar value");
    }
  }
  return Status::OK();
}

Status LoadConfig(const std::string& path, ServeOptions* o) {
  std::vector<std::pair<std::string, std::string>> pairs;
  try {
    YAML::Node root = YAML::LoadFile(path);
    if (root.IsNull()) return Status::OK();  // an empty file
    if (!root.IsMap())
      return Status::InvalidArgument(path + ": expected a YAML mapping of config keys");
    ELANUS_RETURN_IF_ERROR(Flatten(root, "", &pairs));
  } catch (const YAML::BadFile&) {
    return Status::IOError("cannot read config file '" + path + "'");
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  for (const auto& [k, v] : pairs)
    ELANUS_RETURN_IF_ERROR(ApplyConfigKey(k, v, o).WithContext(path));
  return Status::OK();
}

Status CheckTls(const ServeOptions& o) {
  if (o.tls_mode == 0) return Status::OK();
  if (o.tls_server_pem.empty() || o.tls_server_key.empty()) {
    return Status::InvalidArgument("common.security.tlsMode " + std::to_string(o.tls_mode) +
                                   " needs tls.serverPemPath and tls.serverKeyPath");
  }
  if (o.tls_mode == 2 && o.tls_ca_pem.empty())
    return Status::InvalidArgument("common.security.tlsMode 2 needs tls.caPemPath");
  return Status::OK();
}

}  // namespace

const char* ServeUsage() {
  return "usage: elanus serve [--host H] [--port P] [--health-port P] [--data-dir DIR]\n"
         "                    [--threads N] [--no-sync] [--graceful-time-ms MS]\n"
         "                    [--max-recv-bytes N]\n"
         "                    [--auth] [--default-root-password PW]\n"
         "                    [--tls-mode 0|1|2] [--tls-server-pem F] [--tls-server-key F]\n"
         "                    [--tls-ca-pem F] [--config FILE]\n"
         "  Serves the Milvus 2.6 gRPC protocol (pymilvus, Milvus SDKs) and the Milvus\n"
         "  REST API v2 (/v2/vectordb/...; not with TLS) on H:P\n"
         "  (default 127.0.0.1:19530) and GET /healthz and /metrics on the health port\n"
         "  (default 9091, 0 disables). Data lives in DIR (default ./elanus-data).\n"
         "  Bounded-consistency reads may miss writes younger than the graceful time\n"
         "  (default 5000 ms). --auth requires user:password credentials (root/Milvus at\n"
         "  first start). TLS mode 1 = server certificate, 2 = also verify client\n"
         "  certificates against the CA. FILE is YAML (docs/configuration.md).\n"
         "  SIGINT/SIGTERM stop it gracefully.\n";
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
    if (a == "--auth") {
      flags.emplace_back("auth", "true");
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
  ELANUS_RETURN_IF_ERROR(CheckTls(o));
  return o;
}

}  // namespace elanus::server
