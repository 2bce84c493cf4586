export { createWardenClient, expandPath, type ClientOptions, type WardenClient } from './client.ts';
export { WardenApiError, type Problem } from './errors.ts';
export { OPERATIONS, type OperationId, type RouteOf } from './operations.ts';
export type { Operation, ReplyOf, RequestArgs, RequestOf } from './types.ts';
