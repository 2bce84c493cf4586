import type { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { ApiStack } from '../../cdk/api-stack.ts';
import { synthWarden, type WardenApp } from './synth.ts';

// CloudFormation JSON is untyped; each test narrows what it reads.
export type Json = any;

/** A CloudFormation value that may be one item or a list, as a list. */
export const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/** One function of the API stack, synthesized: the stack's resources, the function's logical id, and its role's IAM statements. */
export interface FunctionTemplate {
  readonly warden: WardenApp;
  readonly resources: Record<string, Json>;
  readonly fnId: string;
  statements(): Json[];
}

/** Synthesizes the app and picks the Lambda function `pick` names out of the API stack. */
export function functionTemplate(pick: (api: ApiStack) => IConstruct): FunctionTemplate {
  const warden = synthWarden();
  const resources: Record<string, Json> = warden.apiTemplate.toJSON().Resources;
  const fnId = warden.api.getLogicalId(pick(warden.api).node.defaultChild as CfnResource);
  return {
    warden,
    resources,
    fnId,
    statements() {
      const roleId = resources[fnId].Properties.Role['Fn::GetAtt'][0];
      return Object.values(resources)
        .filter((r: Json) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: Json) => x.Ref === roleId))
        .flatMap((r: Json) => r.Properties.PolicyDocument.Statement);
    },
  };
}
