import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { TABLES, TABLE_NAMES, type TableName } from '#shared/store/tables.ts';
import { WardenTable } from './warden-table.ts';

/**
 * Warden's state: the five tables, kept apart from the functions so that replacing or deleting
 * the API stack can never touch data.
 */
export class DataStack extends Stack {
  readonly tables: Readonly<Record<TableName, WardenTable>>;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const tables = {} as Record<TableName, WardenTable>;
    for (const name of TABLE_NAMES) {
      tables[name] = new WardenTable(this, TABLES[name].name, { definition: TABLES[name] });
    }
    this.tables = tables;
  }
}
