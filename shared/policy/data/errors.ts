/** A predicate or custom mask that does not parse or uses the language wrongly. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
  constructor(
    readonly problem: string,
    readonly position: number,
  ) {
    super(position >= 0 ? `${problem} at ${position}` : problem);
  }
}

/** A rule that cannot apply to one data source (a missing tagged column, an unfit type). */
export class RuleNotApplicableError extends Error {
  override readonly name: string = 'RuleNotApplicableError';
}

/** No column carries a tag the rule needs: by contract the rule skips the source. */
export class MissingTagError extends RuleNotApplicableError {
  override readonly name = 'MissingTagError';
  constructor(readonly tag: string) {
    super(`no column tagged \`${tag}\``);
  }
}
