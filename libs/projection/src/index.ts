export {
  loadContracts,
  type SubscriberContract,
  type LoadedContract,
  type LoadContractsOptions,
  type PurposeOfUse,
  type DeidentificationMode,
} from './contract.ts';
export { checkContract, checkTokenDomains, tokenDomainOf, type ContractIssue } from './contract-rules.ts';
export { compileContract, type CompileOptions } from './compile-contract.ts';
export type { CompiledContract, Treatment } from './plan.ts';
export {
  projectEvent,
  projectPrepared,
  matchesContract,
  PURPOSE_OF_USE_SYSTEM,
  CONTRACT_TAG_SYSTEM,
  MODIFIER_EXTENSION_CATEGORY,
} from './project-event.ts';
export { prepareEvent, type PreparedEvent } from './prepare-event.ts';
export { createProjector, type Projector, type ProjectorOptions } from './projector.ts';
export { createDomainTokens, type DomainTokens, type ProjectionKeys } from './domain-tokens.ts';
export {
  describeContract,
  fingerprintContract,
  type PublishedContract,
  type PublishedElement,
  type PublishedRemoval,
  type PublishedResource,
  type DescribeOptions,
} from './describe-contract.ts';
export { formatPublishedContract } from './format-contract.ts';
export { forDelivery } from './delivery-view.ts';
export { buildDisclosure, type DisclosureEntry, type DisclosureContext } from './disclosure.ts';
export { loadSensitivityRules, createSensitivityRules, type SensitivityRules, type SensitiveCategoriesData, type SensitiveCategoryInfo } from './sensitivity.ts';
export { loadElementIndex, type ElementIndex } from './element-index.ts';
export { AGE_CATEGORY_EXTENSION_URL, AGE_90_OR_OLDER } from './safe-harbor.ts';
