import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { ConduitError } from '@conduit/errors';
import contractSchema from '../../../schemas/subscriber-contract.schema.json' with { type: 'json' };

export interface SubscriberContract {
  readonly id: string;
  readonly version: string;
  readonly owner: string;
  readonly description?: string;
  readonly purposeOfUse: string;
  readonly events: {
    readonly eventTypes?: readonly string[];
    readonly messageTypes?: readonly string[];
    readonly facilities?: readonly string[];
    readonly replays?: boolean;
  };
  readonly projection: {
    readonly allow: Readonly<Record<string, readonly string[]>>;
    readonly tokenize?: { readonly domain?: string };
  };
  readonly channels: { readonly kafka?: { readonly retentionMs?: number } };
}

export interface LoadedContract {
  readonly file: string;
  readonly contract: SubscriberContract;
}

/**
 * Loads every *.json / *.yaml / *.yml contract in a folder. Any invalid file stops start-up with
 * the file, the path inside it and the reason (the whole list, so one restart fixes them all).
 */
export function loadContracts(dir: string): LoadedContract[] {
  const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: false });
  const validate = ajv.compile<SubscriberContract>(contractSchema);
  const problems: string[] = [];
  const loaded: LoadedContract[] = [];
  const files = readdirSync(dir).filter((f) => /\.(json|ya?ml)$/.test(f)).sort();
  for (const name of files) {
    const file = join(dir, name);
    let doc: unknown;
    try {
      const text = readFileSync(file, 'utf8');
      doc = name.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    } catch (err) {
      problems.push(`${file}: cannot be parsed (${(err as Error).message.split('\n')[0]})`);
      continue;
    }
    if (!validate(doc)) {
      for (const e of validate.errors ?? []) problems.push(`${file}: ${e.instancePath || '/'} ${e.message ?? 'invalid'}`);
      continue;
    }
    loaded.push({ file, contract: doc });
  }
  const ids = new Map<string, string>();
  for (const { file, contract } of loaded) {
    const other = ids.get(contract.id);
    if (other) problems.push(`${file}: /id "${contract.id}" is also declared in ${other}`);
    ids.set(contract.id, file);
  }
  if (problems.length > 0) throw new ConduitError('CDT_CONTRACT_INVALID', problems.join('; '));
  return loaded;
}
