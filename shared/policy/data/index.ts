export { validateDataRules, checkDataPolicyAgainstSources } from './validate.ts';
export { planDataPolicies, type DataPlan, type DataPlanNote, type DialectPlan, type ColumnPlan, type MaskPlan, type FilterPlan, type Audience } from './plan.ts';
export { evaluateDataPlan, type DataEvaluation } from './evaluate.ts';
export { parseExpression } from './parse.ts';
export { analyze, type ExpressionMode, type ExpressionNeeds } from './analyze.ts';
export { ExpressionError, RuleNotApplicableError, MissingTagError } from './errors.ts';
export type { Expr } from './ast.ts';
