#include "index/index_registry.h"

#include <cctype>
#include <charconv>

#include "index/index_format.h"

namespace elanus::index {
namespace {

std::string Upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

}  // namespace

IndexRegistry& IndexRegistry::Global() {
  static IndexRegistry* registry = new IndexRegistry();  // never destroyed: used at exit too
  return *registry;
}

bool IndexRegistry::Register(IndexTypeInfo info) {
  std::string key = Upper(info.name);
  return types_.emplace(std::move(key), std::move(info)).second;
}

const IndexTypeInfo* IndexRegistry::Find(std::string_view name) const {
  auto it = types_.find(Upper(name));
  return it == types_.end() ? nullptr : &it->second;
}

std::vector<std::string> IndexRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, info] : types_) names.push_back(name);
  return names;
}

Result<std::unique_ptr<VectorIndex>> IndexRegistry::Create(std::string_view type,
                                                           const IndexSpec& spec,
                                                           const ParamMap& build_params) const {
  const IndexTypeInfo* info = Find(type);
  if (info == nullptr) {
    std::string known;
    for (const auto& n : Names()) known += (known.empty() ? "" : ", ") + n;
    return Status::InvalidArgument("invalid index_type '" + std::string(type) +
                                   "': must be one of " + known);
  }
  return info->create(spec, build_params);
}

Result<std::unique_ptr<VectorIndex>> IndexRegistry::Load(std::string_view image) const {
  ELANUS_ASSIGN_OR_RETURN(IndexEnvelope env, ReadIndexEnvelope(image));
  const IndexTypeInfo* info = Find(env.type_name);
  if (info == nullptr) {
    return Status::Corruption("index image has unknown index type '" + std::string(env.type_name) +
                              "'");
  }
  auto created =
      info->create_for_load ? info->create_for_load(env.spec) : info->create(env.spec, ParamMap{});
  if (!created.ok()) {
    return Status::Corruption("index image cannot be instantiated: " + created.status().message());
  }
  std::unique_ptr<VectorIndex> index = std::move(created).value();
  ELANUS_RETURN_IF_ERROR(index->Load(image));
  return index;
}

Result<int64_t> ParseIntParam(const ParamMap& params, const std::string& name, int64_t def,
                              int64_t lo, int64_t hi, std::string_view kind) {
  auto it = params.find(name);
  if (it == params.end()) return def;
  const std::string& s = it->second;
  int64_t v = 0;
  const char* begin = s.data();
  const char* end = s.data() + s.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(*begin))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(end[-1]))) --end;
  auto [ptr, ec] = std::from_chars(begin, end, v);
  if (ec != std::errc() || ptr != end || begin == end || v < lo || v > hi) {
    return Status::InvalidArgument("invalid " + std::string(kind) + " parameter " + name + "=" + s +
                                   ": must be an integer in [" + std::to_string(lo) + ", " +
                                   std::to_string(hi) + "]");
  }
  return v;
}

}  // namespace elanus::index
