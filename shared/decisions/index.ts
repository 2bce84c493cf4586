export { DecisionService, type DecisionOptions, type DecisionContext, type AccessibleSource } from './service.ts';
export { runSimulation, type SimulationRequest } from './simulation.ts';
export { governanceStores, type GovernanceStores } from './stores.ts';
export { UnknownDataSourceError, UnknownUserError } from './errors.ts';
