import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Services } from '#shared/services.ts';

/** Every item of the identities table, in a stable order: the state a refused request must leave as it was. */
export async function identitiesSnapshot(services: Services): Promise<string> {
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await services.db.doc.send(new ScanCommand({ TableName: services.db.tables.identities, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return JSON.stringify(items.map((i) => JSON.stringify(i)).sort());
}
