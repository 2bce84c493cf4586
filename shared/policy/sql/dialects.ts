import type { Dialect } from '#shared/model/decision.ts';
import type { SqlDialect } from './dialect.ts';
import { databricks } from './databricks.ts';
import { postgres } from './postgres.ts';
import { snowflake } from './snowflake.ts';
import { trino } from './trino.ts';

const BY_NAME: Readonly<Record<Dialect, SqlDialect>> = { postgres, trino, snowflake, databricks };

/** The SQL writer of one dialect. */
export function sqlDialect(dialect: Dialect): SqlDialect {
  return BY_NAME[dialect];
}
