#include "expr/expr.h"
#include "expr/parser.h"
#include "expr/type_checker.h"

namespace elanus::expr {

Result<std::unique_ptr<const Plan>> Compile(std::string_view text, const CollectionSchema& schema,
                                            const TemplateParams& params) {
  PlanNodePtr root;
  if (text.find_first_not_of(" \t\n\r\f\v") == std::string_view::npos) {
    root = PlanNode::Make(ConstExpr{true});
  } else {
    ELANUS_ASSIGN_OR_RETURN(AstPtr ast, Parse(text));
    ELANUS_ASSIGN_OR_RETURN(root, CheckExpression(*ast, schema, params));
  }
  return std::unique_ptr<const Plan>(std::make_unique<Plan>(std::move(root), schema));
}

}  // namespace elanus::expr
