// Engine: timestamp queries used by the server's consistency levels.
#include "engine/engine_impl.h"

namespace elanus {

Result<uint64_t> Engine::AppliedTimestamp(const std::string& db, const std::string& coll) {
  ELANUS_ASSIGN_OR_RETURN(auto c, impl_->Find(db, coll));
  return c->applied_ts();
}

}  // namespace elanus
