import type { Services } from '#shared/services.ts';
import { AccessRequestRepository } from '#shared/store/access-requests.ts';
import { CatalogRepository } from '#shared/store/catalog.ts';
import { PolicyRepository } from '#shared/store/policies.ts';

/** The repositories of catalog, policies and access requests. */
export interface GovernanceStores {
  readonly catalog: CatalogRepository;
  readonly policies: PolicyRepository;
  readonly requests: AccessRequestRepository;
}

/** Builds the governance repositories over the services' database and audit writer. */
export function governanceStores(services: Pick<Services, 'db' | 'audit' | 'config'>): GovernanceStores {
  return {
    catalog: new CatalogRepository(services.db, services.audit, services.config.defaultIam),
    policies: new PolicyRepository(services.db, services.audit),
    requests: new AccessRequestRepository(services.db, services.audit),
  };
}
