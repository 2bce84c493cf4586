import { beforeAll, describe, expect, it } from 'vitest';
import { asList, functionTemplate, type FunctionTemplate, type Json } from './function-template.ts';

let t: FunctionTemplate;
let resources: Record<string, Json>;
let fnId: string;
beforeAll(() => {
  t = functionTemplate((api) => api.snapshotArtifact.function.fn);
  ({ resources, fnId } = t);
});

const statements = (): Json[] => t.statements();

const onTable = (s: Json, table: string): boolean => asList(s.Resource).some((r) => JSON.stringify(r).includes(`GetAtt${table}Table`));

describe('the snapshot artifact builder', () => {
  it('streams the keys of the policies table, and only of it', () => {
    const tables = Object.entries(t.warden.dataTemplate.findResources('AWS::DynamoDB::Table')) as [string, Json][];
    const streamed = tables.filter(([, t]) => t.Properties.StreamSpecification).map(([id, t]) => [id.replace(/Table[0-9A-F]+$/, ''), t.Properties.StreamSpecification.StreamViewType]);
    expect(streamed).toEqual([['policies', 'KEYS_ONLY']]);
  });

  it('is invoked by the change records alone, batched, from the latest position', () => {
    t.warden.apiTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnId },
      StartingPosition: 'LATEST',
      MaximumBatchingWindowInSeconds: 5,
      MaximumRetryAttempts: 2,
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ dynamodb: { Keys: { pk: { S: ['SNAPSHOT'] }, sk: { S: [{ prefix: 'CHANGE#' }] } } } }) }] },
    });
    const props = resources[fnId].Properties;
    expect([props.Runtime, props.Architectures, props.Timeout]).toEqual(['nodejs22.x', ['arm64'], 300]);
  });

  it('also runs every 10 minutes without a change, so a store deployed over gets its artifact without waiting for one', () => {
    const rules = Object.values(t.warden.apiTemplate.findResources('AWS::Events::Rule')) as Json[];
    const builder = rules.filter((r) => r.Properties.Targets.some((target: Json) => JSON.stringify(target.Arn).includes(fnId)));
    expect(builder.map((r) => [r.Properties.ScheduleExpression, r.Properties.Targets[0].RetryPolicy])).toEqual([['rate(10 minutes)', { MaximumRetryAttempts: 0 }]]);
  });

  it('reads the catalog, and writes nothing of the policies table but the artifact partitions', () => {
    const all = statements();
    const dynamo = all.filter((s) => asList(s.Action).some((a) => String(a).startsWith('dynamodb:') && !String(a).includes('Stream') && a !== 'dynamodb:ListStreams'));
    const catalogActions = dynamo.filter((s) => onTable(s, 'catalog')).flatMap((s) => asList(s.Action));
    expect(catalogActions.every((a) => ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:ConditionCheckItem'].includes(String(a)))).toBe(true);
    const writes = dynamo.filter((s) => onTable(s, 'policies') && asList(s.Action).some((a) => /Put|Update|Write|Delete/.test(String(a))));
    expect(writes).toHaveLength(1);
    expect(asList(writes[0].Action).sort()).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(writes[0].Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ARTIFACT', 'ARTIFACT#*'] } });
    const tables = new Set(dynamo.flatMap((s) => asList(s.Resource).map((r) => JSON.stringify(r).match(/GetAtt(\w+?)Table/)?.[1])));
    expect([...tables].sort()).toEqual(['catalog', 'policies']);
  });
});
