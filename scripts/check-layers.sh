#!/usr/bin/env bash
# Fails when a module includes a header of a module above it (DESIGN.md §2: dependencies point
# downward only). Order, lowest first: common types simd storage index expr engine server cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
order=(common types simd storage index expr engine server cluster)
rank() { local i; for i in "${!order[@]}"; do [ "${order[$i]}" = "$1" ] && echo "$i" && return; done; echo -1; }
status=0
for mod in "${order[@]}"; do
  [ -d "src/$mod" ] || continue
  r=$(rank "$mod")
  while IFS= read -r line; do
    file=${line%%:*}
    inc=$(echo "$line" | sed -E 's/.*#include "([a-z_]+)\/.*/\1/')
    ir=$(rank "$inc")
    if [ "$ir" -gt "$r" ]; then
      echo "layering violation: $file includes $inc/ (above $mod/)"
      status=1
    fi
  done < <(grep -rnE '#include "[a-z_]+/' "src/$mod" --include='*.h' --include='*.cc' | grep -v '#include "elanus/' || true)
done
# simd and storage are siblings: neither may include the other.
if grep -rqE '#include "storage/' src/simd 2>/dev/null || grep -rqE '#include "simd/' src/storage 2>/dev/null; then
  echo "layering violation: simd and storage must not include each other"; status=1
fi
exit $status
