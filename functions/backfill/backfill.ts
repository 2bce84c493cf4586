import type { CdkCustomResourceEvent, CdkCustomResourceIsCompleteResponse, Context } from 'aws-lambda';
import type { Logger } from '#shared/log/logger.ts';
import { backfillCatalogIndex } from '#shared/store/catalog-backfill.ts';
import type { Db } from '#shared/store/client.ts';

/** The one physical id of the backfill resource: there is one listing index per catalog table. */
export const BACKFILL_RESOURCE_ID = 'warden-catalog-index-backfill';

/** Time left to the function after its last page: a page of sources takes seconds, the response must still be sent. */
const MARGIN_MS = 60_000;

/** What the backfill function answers the CloudFormation provider framework. */
export type BackfillResponse = CdkCustomResourceIsCompleteResponse<{ sources: number; domains: number; tooLarge: number }> & { readonly PhysicalResourceId: string };

/**
 * The deploy-time backfill of the listing index, as the `onEvent` and the `isComplete` handler
 * of one custom resource: each call indexes what it can before the function's timeout (the
 * backfill keeps its place in the table) and answers complete once the whole catalog is; the
 * framework calls again until then. A delete of the resource leaves the index as it is.
 */
export function backfillResource(deps: { readonly db: Db; readonly log: Logger }) {
  return async (event: CdkCustomResourceEvent, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<BackfillResponse> => {
    if (event.RequestType === 'Delete') return { PhysicalResourceId: BACKFILL_RESOURCE_ID, IsComplete: true };
    const report = await backfillCatalogIndex(deps.db, { until: Date.now() + context.getRemainingTimeInMillis() - MARGIN_MS });
    deps.log.info('catalog index backfill', { sources: report.sources, domains: report.domains, tooLarge: report.tooLarge, done: report.done });
    // The framework refuses `Data` on an answer that is not complete.
    if (!report.done) return { PhysicalResourceId: BACKFILL_RESOURCE_ID, IsComplete: false };
    return { PhysicalResourceId: BACKFILL_RESOURCE_ID, IsComplete: true, Data: { sources: report.sources, domains: report.domains, tooLarge: report.tooLarge.length } };
  };
}
