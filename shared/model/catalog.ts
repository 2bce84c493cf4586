import * as z from 'zod';
import { idSchema } from './identity.ts';

export const PLATFORMS = ['postgres', 'trino', 'snowflake', 'databricks'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** A hierarchical tag: `.`-separated non-empty segments. */
export const tagSchema = z
  .string()
  .min(1)
  .max(512)
  .refine((t) => t.split('.').every((s) => s.trim().length > 0), 'tag segments must not be empty');

export const sqlNameSchema = z.string().min(1).max(255).regex(/^[^\u0000]+$/, 'must not contain NUL');

export const columnSchema = z.strictObject({
  name: sqlNameSchema,
  type: z.string().min(1).max(128).default('varchar'),
  tags: z.array(tagSchema).max(200).default([]),
});

export const dataSourceInputSchema = z.strictObject({
  name: z.string().min(1).max(256),
  platform: z.enum(PLATFORMS),
  database: sqlNameSchema,
  schema: sqlNameSchema,
  table: sqlNameSchema,
  domain: idSchema.optional(),
  owners: z.array(idSchema).max(100).default([]),
  tags: z.array(tagSchema).max(200).default([]),
  columns: z.array(columnSchema).max(2000).default([]),
});

export type DataSourceInput = z.infer<typeof dataSourceInputSchema>;
export type Column = z.infer<typeof columnSchema>;

export interface DataSource extends DataSourceInput {
  readonly id: string;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const domainInputSchema = z.strictObject({
  name: z.string().min(1).max(256),
  tags: z.array(tagSchema).max(200).default([]),
});

export type DomainInput = z.infer<typeof domainInputSchema>;

export interface Domain extends DomainInput {
  readonly id: string;
  readonly version: number;
}
