import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { synthWarden } from './synth.ts';

describe('cdk-nag AwsSolutions', () => {
  it('reports nothing unacknowledged on any of the three stacks', () => {
    const { app } = synthWarden();
    const report = new AwsSolutionsChecks(app, { verbose: true }).validateScope(app);
    const findings = report.violations.map((v) => ({
      rule: v.ruleName,
      at: v.violatingResources.map((r) => r.constructPath),
    }));
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('does report a finding when one is there (the check is live)', () => {
    const app = new App();
    const stack = new Stack(app, 'Bare');
    new Table(stack, 'NoBackups', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toContain('AwsSolutions-DDB3');
  });
});
