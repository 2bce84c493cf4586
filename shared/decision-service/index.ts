export type { DecisionContext } from './context.ts';
export { DecisionService, decisionService, type DecisionDeps, type DecisionOptions, type AccessibleSource, type VisibleSource } from './service.ts';
export { runSimulation, type SimulationDeps, type SimulationRequest } from './simulation.ts';
export { UnknownDataSourceError, UnknownUserError } from './errors.ts';
export { AUDITED_QUERY_LENGTH, queryAuditRecord, type QueriedSource, type QueryDecisions, type QueryRecord } from './query-audit.ts';
