import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';

export interface WardenHttpApiProps {
  /**
   * Steady-state requests per second across the stage.
   * @default 500
   */
  readonly rateLimit?: number;
  /**
   * Requests allowed in a burst above the rate.
   * @default 1000
   */
  readonly burstLimit?: number;
}

/** Fields of HTTP API access logs; request id first so a log line finds its Lambda logs. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    time: '$context.requestTime',
    sourceIp: '$context.identity.sourceIp',
    method: '$context.httpMethod',
    path: '$context.path',
    routeKey: '$context.routeKey',
    status: '$context.status',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationError: '$context.integrationErrorMessage',
  }),
);

/**
 * The one HTTP API of Warden: a `$default` stage with access logs and throttling, and routes
 * added per function. Authentication is the functions' job (API keys, SCIM tokens), see below.
 */
export class WardenHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: WardenHttpApiProps = {}) {
    super(scope, id);
    // The stage is built by hand because the generated default stage takes no access log settings.
    this.api = new HttpApi(this, 'Api', { createDefaultStage: false, description: 'Warden HTTP API' });
    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_MONTH });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      autoDeploy: true,
      accessLogSettings: { destination: new LogGroupLogDestination(this.accessLogs), format: ACCESS_LOG_FORMAT },
      throttle: { rateLimit: props.rateLimit ?? 500, burstLimit: props.burstLimit ?? 1000 },
    });
  }

  /** The API's base URL without a trailing slash (`https://<id>.execute-api.<region>.amazonaws.com`). */
  get url(): string {
    return this.api.apiEndpoint;
  }

  /** Routes every method of each path to `fn`, sharing one integration. */
  addFunctionRoutes(id: string, fn: IFunction, paths: readonly string[]): void {
    const integration = new HttpLambdaIntegration(id, fn);
    for (const path of paths) {
      const [route] = this.api.addRoutes({ path, methods: [HttpMethod.ANY], integration });
      Validations.of(route!).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'the function authenticates every request itself (hashed API keys, SCIM bearer tokens, impersonation JWTs) and answers problem+json 401/403 as the contract requires; /health, /openapi.json, /docs and /.well-known/jwks.json are public by design',
      });
    }
  }
}
