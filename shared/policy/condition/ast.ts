/** Where a tag-matching function looks: the source's own tags or any column's tags. */
export type TagScope = 'dataSource' | 'column';

/** The advanced condition language, parsed: a tree without loops or side effects. */
export type ConditionNode =
  | { readonly kind: 'hasAttribute'; readonly name: string; readonly value: string }
  | { readonly kind: 'isInGroups'; readonly groups: readonly string[] }
  | { readonly kind: 'iam'; readonly iamid: string }
  | { readonly kind: 'hasTagAsAttribute'; readonly name: string; readonly scope: TagScope }
  | { readonly kind: 'hasTagAsGroup'; readonly scope: TagScope }
  | { readonly kind: 'and'; readonly left: ConditionNode; readonly right: ConditionNode }
  | { readonly kind: 'or'; readonly left: ConditionNode; readonly right: ConditionNode }
  | { readonly kind: 'not'; readonly operand: ConditionNode };
