import { beforeAll, describe, expect, it } from 'vitest';
import { asList, functionTemplate, type FunctionTemplate, type Json } from './function-template.ts';

let t: FunctionTemplate;
beforeAll(() => {
  t = functionTemplate((api) => api.groupPurge.scheduled.function.fn);
});

describe("the purge of deleted groups' memberships", () => {
  it('runs every minute for at most a minute, on the purge entry', () => {
    t.warden.apiTemplate.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [{ Arn: { 'Fn::GetAtt': [t.fnId, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } }],
    });
    const props = t.resources[t.fnId].Properties;
    expect([props.Runtime, props.Architectures, props.Timeout]).toEqual(['nodejs22.x', ['arm64'], 60]);
    expect(props.Environment.Variables.POWERTOOLS_SERVICE_NAME).toBe('warden-group-purge');
  });

  it('touches the identities table alone', () => {
    const dynamo = t.statements().filter((s: Json) => asList(s.Action).some((a) => String(a).startsWith('dynamodb:')));
    const tables = new Set(dynamo.flatMap((s: Json) => asList(s.Resource).map((r) => JSON.stringify(r).match(/GetAtt(\w+?)Table/)?.[1])));
    expect([...tables]).toEqual(['identities']);
    expect(dynamo.flatMap((s: Json) => asList(s.Action))).toContain('dynamodb:BatchWriteItem');
  });
});
