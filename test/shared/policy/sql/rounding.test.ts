import { PGlite } from '@electric-sql/pglite';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskSql, sqlDialect } from '#shared/policy/sql/index.ts';

type Kind = 'date' | 'timestamp' | 'timestamptz';
const DAY = 86_400;
// A session zone 45 minutes off any hour: a floor computed in local time would show.
const ZONE = 'Asia/Kathmandu';

/** The rounded value's seconds since the epoch, as the engine computes it. */
type Run = (kind: Kind, text: string, bucketSize: number) => Promise<number>;

/** A column of each kind, written as a literal the two engines read alike, with its catalog type per dialect. */
const COLUMN: Record<Kind, { literal: (text: string) => string; type: { postgres: string; trino: string } }> = {
  date: { literal: (t) => `DATE '${t.slice(0, 10)}'`, type: { postgres: 'date', trino: 'date' } },
  timestamp: { literal: (t) => `TIMESTAMP '${t}'`, type: { postgres: 'timestamp', trino: 'timestamp(3)' } },
  timestamptz: { literal: (t) => `CAST('${t}+00:00' AS timestamp with time zone)`, type: { postgres: 'timestamptz', trino: 'timestamp(3) with time zone' } },
};

function rounded(dialect: 'postgres' | 'trino', kind: Kind, text: string, bucketSize: number): string {
  const mask = maskSql(sqlDialect(dialect), { type: 'rounding', bucketSize }, COLUMN[kind].literal(text), COLUMN[kind].type[dialect]);
  if (!('sql' in mask)) throw new Error(mask.error);
  return mask.sql;
}

/** What the contract says: floor to a multiple of the bucket since 1970-01-01T00:00:00Z (a date at its midnight, then its day). */
function expected(kind: Kind, text: string, bucketSize: number): number {
  const ms = Date.parse(`${kind === 'date' ? text.slice(0, 10) : text}Z`);
  const floored = Math.floor(Math.floor(ms / 1000) / bucketSize) * bucketSize;
  return kind === 'date' ? Math.floor(floored / DAY) * DAY : floored;
}

const iso = (d: Date) => d.toISOString().slice(0, 23).replace('T', ' ');
const instant = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map(iso);
const bucket = fc.oneof(fc.constantFrom(1, 60, 3_600, 7_000, DAY, 7 * DAY, 30 * DAY, 365 * DAY), fc.integer({ min: 1, max: 2_147_483_647 }));
const kind = fc.constantFrom<Kind>('date', 'timestamp', 'timestamptz');

let pg: PGlite;
let duck: DuckDBConnection;
beforeAll(async () => {
  pg = await PGlite.create();
  await pg.exec(`SET TimeZone = '${ZONE}'`);
  duck = await (await DuckDBInstance.create(':memory:')).connect();
  await duck.run(`SET TimeZone = '${ZONE}'`);
});
afterAll(async () => {
  await pg.close();
  duck.closeSync();
});

const ENGINES: ReadonlyArray<readonly [string, Run]> = [
  ['postgres on PostgreSQL (pglite)', async (k, t, b) => Number((await pg.query<{ e: string }>(`SELECT CAST(extract(epoch from ${rounded('postgres', k, t, b)}) AS text) AS e`)).rows[0]!.e)],
  ['trino on DuckDB', async (k, t, b) => Number((await duck.runAndReadAll(`SELECT epoch(${rounded('trino', k, t, b)}) AS e`)).getRowObjectsJson()[0]!.e)],
];

describe.each(ENGINES)('date and timestamp rounding, %s', (_, run) => {
  it('floors a 7-day bucket to the multiple of 7 days since 1970-01-01 (a Thursday), not to the day', async () => {
    // 2024-05-17 is a Friday; its 7-day bucket starts on Thursday 2024-05-16.
    expect(await run('date', '2024-05-17 00:00:00.000', 7 * DAY)).toBe(Date.UTC(2024, 4, 16) / 1000);
    expect(await run('timestamp', '2024-05-17 10:11:12.345', 7 * DAY)).toBe(Date.UTC(2024, 4, 16) / 1000);
    expect(await run('timestamptz', '2024-05-17 10:11:12.345', 7 * DAY)).toBe(Date.UTC(2024, 4, 16) / 1000);
    // A 30-day bucket is not a calendar month.
    expect(await run('date', '2023-11-02 00:00:00.000', 30 * DAY)).toBe(Date.UTC(2023, 9, 20) / 1000);
  });

  it('floors before 1970 too, fractions of a second included', async () => {
    expect(await run('timestamp', '1969-12-31 23:59:59.500', 60)).toBe(-60);
    expect(await run('timestamptz', '1969-12-31 23:59:59.500', 1)).toBe(-1);
    expect(await run('date', '1969-12-25 00:00:00.000', 7 * DAY)).toBe(-7 * DAY);
  });

  it('equals the floor of the contract for any value, bucket and kind, in a session zone off the hour', async () => {
    await fc.assert(
      fc.asyncProperty(kind, instant, bucket, async (k, text, b) => {
        expect(await run(k, text, b)).toBe(expected(k, text, b));
      }),
      { numRuns: 300 },
    );
  });
});

describe('date and timestamp rounding buckets', () => {
  it('are a whole number of seconds up to 2^31 - 1, refused otherwise for every dialect', () => {
    for (const dialect of ['postgres', 'trino', 'snowflake', 'databricks'] as const) {
      for (const bucketSize of [0.5, 86_400.25, 2_147_483_648]) {
        expect(maskSql(sqlDialect(dialect), { type: 'rounding', bucketSize }, '"hired"', 'date')).toEqual({
          error: `\`rounding\` of a column of type \`date\` takes a whole number of seconds up to 2147483647 as \`bucketSize\`, not \`${bucketSize}\``,
        });
      }
      expect(maskSql(sqlDialect(dialect), { type: 'rounding', bucketSize: 0.5 }, '"n"', 'numeric')).toHaveProperty('sql');
    }
  });
});
