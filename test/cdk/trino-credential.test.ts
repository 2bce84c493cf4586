import { describe, expect, it } from 'vitest';
import { synthWarden } from './synth.ts';

// The credential of a Trino integration rides in the policy URIs' query string (`?key=`), so the
// HTTP API's access logs must never hold the query string. These variables are checked against
// the API Gateway HTTP API documentation not to: `$context.path` is the path alone and
// `$context.routeKey` the route template (`ANY /v1/opa/{proxy+}`). A variable added to the
// format must be checked the same way before it joins this list.
const WITHOUT_QUERY = new Set([
  '$context.requestId',
  '$context.requestTime',
  '$context.identity.sourceIp',
  '$context.httpMethod',
  '$context.path',
  '$context.routeKey',
  '$context.status',
  '$context.responseLength',
  '$context.responseLatency',
  '$context.integrationErrorMessage',
]);

describe('the access logs and the Trino credential', () => {
  it('log only variables without the query string that carries the credential', () => {
    const { apiTemplate } = synthWarden();
    const stages = Object.values(apiTemplate.findResources('AWS::ApiGatewayV2::Stage')) as Array<{ Properties: { AccessLogSettings: { Format: string } } }>;
    expect(stages).toHaveLength(1);
    const format = JSON.parse(stages[0]!.Properties.AccessLogSettings.Format) as Record<string, string>;
    const variables = Object.values(format).flatMap((v) => v.match(/\$[\w.]+/g) ?? []);
    expect(variables).toContain('$context.path');
    expect(variables.filter((v) => !WITHOUT_QUERY.has(v))).toEqual([]);
  });
});
