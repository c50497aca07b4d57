// Type checker: resolves field names against the schema, substitutes template parameters,
// checks every rule of reference/milvus-features.md §2.3 and folds constants, turning the AST into
// a Plan tree. Errors are InvalidArgument "line L, column C: <reason>".
#pragma once

#include "elanus/schema.h"
#include "elanus/status.h"
#include "expr/ast.h"
#include "expr/plan.h"
#include "expr/value.h"

namespace elanus::expr {

Result<PlanNodePtr> CheckExpression(const Ast& ast, const CollectionSchema& schema,
                                    const TemplateParams& params);

}  // namespace elanus::expr
