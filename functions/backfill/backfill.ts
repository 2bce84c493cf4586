import type { CdkCustomResourceEvent, CdkCustomResourceIsCompleteResponse, Context } from 'aws-lambda';
import type { Logger } from '#shared/log/logger.ts';
import { backfillCatalogIndex } from '#shared/store/catalog-backfill.ts';
import type { Db } from '#shared/store/client.ts';
import { backfillGroupAttributes } from '#shared/store/group-attributes-backfill.ts';

/** The one physical id of the backfill resource: there is one listing index per catalog table (and one identities table). */
export const BACKFILL_RESOURCE_ID = 'warden-catalog-index-backfill';

/** Time left to the function after its last page: a page of sources takes seconds, the response must still be sent. */
const MARGIN_MS = 60_000;

/** What the backfill function answers the CloudFormation provider framework. */
export type BackfillResponse = CdkCustomResourceIsCompleteResponse<{ sources: number; domains: number; tooLarge: number; groups: number; groupsTooLarge: number }> & { readonly PhysicalResourceId: string };

/**
 * The deploy-time backfills, as the `onEvent` and the `isComplete` handler of one custom
 * resource: the listing index of a catalog stored before it, then the attributes item of the
 * groups stored before it. Each call does what it can before the function's timeout (each
 * backfill keeps its place in its table) and answers complete once both are done; the framework
 * calls again until then. A delete of the resource leaves everything as it is.
 */
export function backfillResource(deps: { readonly db: Db; readonly log: Logger }) {
  return async (event: CdkCustomResourceEvent, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<BackfillResponse> => {
    if (event.RequestType === 'Delete') return { PhysicalResourceId: BACKFILL_RESOURCE_ID, IsComplete: true };
    const until = Date.now() + context.getRemainingTimeInMillis() - MARGIN_MS;
    const report = await backfillCatalogIndex(deps.db, { until });
    deps.log.info('catalog index backfill', { sources: report.sources, domains: report.domains, tooLarge: report.tooLarge, done: report.done });
    // The framework refuses `Data` on an answer that is not complete.
    if (!report.done) return { PhysicalResourceId: BACKFILL_RESOURCE_ID, IsComplete: false };
    const groups = await backfillGroupAttributes(deps.db, { until });
    deps.log.info('group attributes backfill', { groups: groups.groups, tooLarge: groups.tooLarge, done: groups.done });
    if (!groups.done) return { PhysicalResourceId: BACKFILL_RESOURCE_ID, IsComplete: false };
    const data = { sources: report.sources, domains: report.domains, tooLarge: report.tooLarge.length, groups: groups.groups, groupsTooLarge: groups.tooLarge.length };
    return { PhysicalResourceId: BACKFILL_RESOURCE_ID, IsComplete: true, Data: data };
  };
}
