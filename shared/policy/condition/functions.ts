import { ConditionSyntaxError } from '../errors.ts';
import type { ConditionNode, TagScope } from './ast.ts';

type Builder = (args: readonly string[], at: number) => ConditionNode;

function arity(name: string, args: readonly string[], at: number, min: number, max: number): void {
  if (args.length >= min && args.length <= max) return;
  const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} or ${max}`;
  throw new ConditionSyntaxError(`\`${name}\` takes ${expected} argument${min === 1 && (max === 1 || max === Infinity) ? '' : 's'}, got ${args.length}`, at);
}

function scope(name: string, value: string | undefined, at: number): TagScope {
  if (value === 'dataSource' || value === 'column') return value;
  throw new ConditionSyntaxError(`\`${name}\` scope must be \`dataSource\` or \`column\`, got \`${value}\``, at);
}

/** The functions of the language, each checking its own arguments. */
const FUNCTIONS: Record<string, Builder> = {
  '@hasAttribute': (args, at) => {
    arity('@hasAttribute', args, at, 2, 2);
    return { kind: 'hasAttribute', name: args[0]!, value: args[1]! };
  },
  '@isInGroups': (args, at) => {
    arity('@isInGroups', args, at, 1, Infinity);
    return { kind: 'isInGroups', groups: args };
  },
  '@iam': (args, at) => {
    arity('@iam', args, at, 1, 1);
    return { kind: 'iam', iamid: args[0]! };
  },
  '@hasTagAsAttribute': (args, at) => {
    arity('@hasTagAsAttribute', args, at, 2, 2);
    return { kind: 'hasTagAsAttribute', name: args[0]!, scope: scope('@hasTagAsAttribute', args[1], at) };
  },
  // The two-argument form names a group the way Immuta's builder does; the name is ignored.
  '@hasTagAsGroup': (args, at) => {
    arity('@hasTagAsGroup', args, at, 1, 2);
    return { kind: 'hasTagAsGroup', scope: scope('@hasTagAsGroup', args[args.length - 1], at) };
  },
};

/** Builds the node of a function call, or throws for an unknown name or wrong arguments. */
export function callNode(name: string, args: readonly string[], at: number): ConditionNode {
  const build = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!build) throw new ConditionSyntaxError(`unknown function \`${name}\``, at);
  return build(args, at);
}
