/**
 * The writer of `bench:scale`'s changes, in a process of its own as the API's function is (so
 * the deciding process's compile never slows the writes): retags random sources of the synthetic
 * catalog through the repository at a steady rate. `SCALE_WRITER` (JSON, `WriterOrders`) says
 * what to write; it prints `ready` once connected, then one JSON line with what it wrote.
 */
import { readConfig } from '#shared/config.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#local/dynamo.ts';
import { createServices } from '#shared/services.ts';
import { createDb } from '#shared/store/client.ts';
import { retag } from './scale-seed.ts';
import { prng, syntheticOrg } from './synthetic-org.ts';

/** What the writer is told: where, which catalog, how fast and how long. */
export interface WriterOrders {
  readonly endpoint: string;
  readonly tablePrefix: string;
  /** The catalog is the synthetic organisation's first `sources` sources. */
  readonly sources: number;
  readonly perSecond: number;
  readonly seconds: number;
}

/** What the writer wrote. */
export interface WriterReport {
  readonly changes: number;
  readonly seconds: number;
}

const orders = JSON.parse(process.env.SCALE_WRITER ?? '') as WriterOrders;
const db = createDb({ endpoint: orders.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, tablePrefix: orders.tablePrefix });
const services = createServices(db, readConfig({ LOG_LEVEL: 'silent' }), { bootstrapKeyHash: async () => undefined });
const { sources, tags } = syntheticOrg({ users: 0, groups: 1, sources: orders.sources, policies: 0 });
const rand = prng(orders.sources);
const any = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
await services.catalog.getSource(sources[0]!.id);
process.stdout.write('ready\n');

const started = performance.now();
let changes = 0;
for (; changes < orders.seconds * orders.perSecond; changes++) {
  const wait = started + (changes * 1000) / orders.perSecond - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  await retag(services, any(sources).id, [any(tags)]);
}
const report: WriterReport = { changes, seconds: (performance.now() - started) / 1000 };
process.stdout.write(`${JSON.stringify(report)}\n`);
db.doc.destroy();
