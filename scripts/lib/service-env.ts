import { join } from 'node:path';
import { devSecretEnv } from './dev-secrets.ts';
import { repoRoot } from './paths.ts';
import type { ServiceName } from './service-process.ts';

export interface PipelineSettings {
  readonly kafkaBrokers: string;
  readonly mllpPort: number;
  readonly mllpHost?: string;
  readonly contractsDir?: string;
  /** Distinct consumer groups let several pipelines (tests) share one broker. */
  readonly groupPrefix?: string;
  readonly logLevel?: string;
}

/** Each service is given exactly the variables its config schema declares (unknown ones are refused). */
export function serviceEnv(name: ServiceName, s: PipelineSettings): Record<string, string> {
  const secrets = devSecretEnv();
  const common = { KAFKA_BROKERS: s.kafkaBrokers, CONDUIT_LOG_LEVEL: s.logLevel ?? 'info' };
  const contracts = s.contractsDir ?? join(repoRoot, 'deploy/demo/contracts');
  const group = (g: string) => ({ CONDUIT_GROUP_ID: `${s.groupPrefix ?? 'conduit'}-${g}` });
  switch (name) {
    case 'ingest':
      return { ...common, CONDUIT_MLLP_PORT: String(s.mllpPort), CONDUIT_MLLP_HOST: s.mllpHost ?? '127.0.0.1', CONDUIT_PATIENT_KEY_FILE: secrets['CONDUIT_PATIENT_KEY_FILE']! };
    case 'normalize':
      return { ...common, ...group('normalize'), CONDUIT_PATIENT_KEY_FILE: secrets['CONDUIT_PATIENT_KEY_FILE']! };
    case 'project':
      return { ...common, ...group('project'), CONDUIT_CONTRACTS_DIR: contracts, CONDUIT_TOKEN_KEY_FILE: secrets['CONDUIT_TOKEN_KEY_FILE']! };
    case 'fanout':
      return { ...common, ...group('fanout'), CONDUIT_CONTRACTS_DIR: contracts };
  }
}
