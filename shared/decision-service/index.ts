export { DecisionService, decisionService, type DecisionDeps, type DecisionOptions, type DecisionContext, type AccessibleSource, type VisibleSource } from './service.ts';
export { runSimulation, type SimulationDeps, type SimulationRequest } from './simulation.ts';
export { UnknownDataSourceError, UnknownUserError } from './errors.ts';
