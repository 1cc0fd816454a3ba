export { loadContracts, type SubscriberContract, type LoadedContract } from './contract.ts';
export { projectEvent, matchesContract, type ProjectionKeys } from './project-event.ts';
