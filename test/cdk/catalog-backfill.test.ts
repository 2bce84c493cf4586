import { beforeAll, describe, expect, it } from 'vitest';
import { tableEnvVar } from '#shared/store/tables.ts';
import { asList, functionTemplate, type FunctionTemplate, type Json } from './function-template.ts';

let t: FunctionTemplate;
let resources: Record<string, Json>;
let fnId: string;
beforeAll(() => {
  t = functionTemplate((api) => api.catalogBackfill.function.fn);
  ({ resources, fnId } = t);
});

const catalogTableArn = (): Json => t.warden.api.resolve(t.warden.data.tables.catalog.table.tableArn);
const identitiesTableArn = (): Json => t.warden.api.resolve(t.warden.data.tables.identities.table.tableArn);

describe('the deploy-time listing backfill', () => {
  it('is one custom resource of the provider framework, keyed by the catalog table', () => {
    const custom = Object.values(resources).filter((r: Json) => r.Type === 'Custom::CatalogIndexBackfill');
    expect(custom).toHaveLength(1);
    expect(custom[0].Properties.CatalogTable).toEqual(t.warden.api.resolve(t.warden.data.tables.catalog.table.tableName));
    const token = custom[0].Properties.ServiceToken['Fn::GetAtt'][0];
    expect(resources[token].Properties.Description).toContain('onEvent');
  });

  it('runs its function as onEvent and isComplete, with 15 minutes a call and two hours in all', () => {
    const props = resources[fnId].Properties;
    expect([props.Runtime, props.Architectures, props.Timeout, props.TracingConfig]).toEqual(['nodejs22.x', ['arm64'], 900, { Mode: 'Active' }]);
    expect(Object.keys(props.Environment.Variables).sort()).toEqual([tableEnvVar('catalog'), tableEnvVar('identities'), 'NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME'].sort());
    const framework = Object.values(resources).filter((r: Json) => r.Type === 'AWS::Lambda::Function' && String(r.Properties.Description).includes('CatalogBackfill/Provider'));
    const userFunctions = framework.flatMap((r: Json) => Object.entries(r.Properties.Environment.Variables).filter(([k]) => k.startsWith('USER_')).map(([k, v]: [string, Json]) => [k, v['Fn::GetAtt']?.[0]]));
    expect(new Set(userFunctions.map(([k]) => k))).toEqual(new Set(['USER_ON_EVENT_FUNCTION_ARN', 'USER_IS_COMPLETE_FUNCTION_ARN']));
    expect(new Set(userFunctions.map(([, v]) => v))).toEqual(new Set([fnId]));
    const waiter = Object.values(resources).find((r: Json) => r.Type === 'AWS::StepFunctions::StateMachine');
    const definition = JSON.stringify(waiter.Properties.DefinitionString);
    expect(definition).toContain('\\"IntervalSeconds\\":10');
    expect(definition).toContain(`\\"MaxAttempts\\":${(2 * 3600) / 10}`);
  });

  it('lets its function write the catalog table without deleting, and the identities table alone beside it', () => {
    const statements = t.statements();
    const dynamo = statements.filter((st: Json) => asList(st.Action).some((a) => String(a).startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(2);
    const on = (arn: Json) => dynamo.filter((st: Json) => JSON.stringify(asList(st.Resource)) === JSON.stringify([arn])).flatMap((st: Json) => asList(st.Action) as string[]).sort();
    expect(on(catalogTableArn())).toEqual(['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan', 'dynamodb:UpdateItem']);
    expect(on(identitiesTableArn())).toEqual(['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:Scan']);
    const others = statements.flatMap((st: Json) => asList(st.Action) as string[]).filter((a) => !a.startsWith('dynamodb:') && !a.startsWith('logs:') && !a.startsWith('xray:'));
    expect(others).toEqual([]);
  });

  it('is called again on a stack deployed before the groups backfill: its properties name the identities table', () => {
    const custom = Object.values(resources).find((r: Json) => r.Type === 'Custom::CatalogIndexBackfill');
    expect(custom.Properties.IdentitiesTable).toEqual(t.warden.api.resolve(t.warden.data.tables.identities.table.tableName));
  });
});
