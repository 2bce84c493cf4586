import type { IamRecord } from '#shared/store/iams.ts';
import type { ChangeContext } from './audit.ts';

/** A request's view of the IAM it acts for. */
export interface Scope extends ChangeContext {
  readonly iam: IamRecord;
  readonly baseUrl: string;
}
