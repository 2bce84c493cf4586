/**
 * Functions no query may call through the engine, whatever the backend role may do: those that
 * read or write server files, large objects, other sessions, the server's state or the network,
 * and those that run SQL given as text (which would read tables the rewrite never saw).
 */
const DENIED = new Set([
  'pg_stat_file',
  'pg_current_logfile',
  'pg_reload_conf',
  'pg_rotate_logfile',
  'pg_promote',
  'pg_switch_wal',
  'pg_terminate_backend',
  'pg_cancel_backend',
  'pg_signal_backend',
  'pg_notify',
  'pg_import_system_collations',
  'set_config',
  'nextval',
  'setval',
  'loread',
  'lowrite',
  'ts_stat',
  'ts_rewrite',
  'xpath_table',
]);

/** Families of the same, by name prefix. */
const DENIED_PREFIXES = [
  'pg_read_',
  'pg_ls_',
  'pg_file_',
  'lo_',
  'dblink',
  'pg_stat_reset',
  'pg_create_',
  'pg_drop_',
  'pg_replication_',
  'pg_logical_',
  'pg_backup_',
  'pg_start_backup',
  'pg_stop_backup',
  'pg_wal_replay_',
  'pg_copy_',
  'query_to_xml',
  'table_to_xml',
  'cursor_to_xml',
  'schema_to_xml',
  'database_to_xml',
];

/** True when a function of this name may never run through the engine. */
export function isDeniedFunction(name: string): boolean {
  const n = name.toLowerCase();
  return DENIED.has(n) || DENIED_PREFIXES.some((p) => n.startsWith(p));
}

/**
 * System relations that hold or reveal rows of other tables or other sessions (column
 * statistics keep most common values; activity views show other users' query texts), refused
 * although the rest of the catalog stays readable for `\d` and BI introspection.
 */
const DENIED_RELATIONS = new Set([
  'pg_stats',
  'pg_stats_ext',
  'pg_stats_ext_exprs',
  'pg_statistic',
  'pg_statistic_ext_data',
  'pg_stat_activity',
  'pg_stat_statements',
  'pg_largeobject',
  'pg_file_settings',
  'pg_hba_file_rules',
  'pg_ident_file_mappings',
  'pg_prepared_statements',
  'pg_cursors',
]);

/** True when a relation of `pg_catalog` may not be read through the engine. */
export function isDeniedSystemRelation(name: string): boolean {
  return DENIED_RELATIONS.has(name);
}

/** The schemas PostgreSQL keeps its catalogs in: readable (less the denied relations), never pass-through by setting. */
export const SYSTEM_SCHEMAS: ReadonlySet<string> = new Set(['pg_catalog', 'information_schema']);
