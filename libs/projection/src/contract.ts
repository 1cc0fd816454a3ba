import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { LineCounter, parseDocument } from 'yaml';
import { ConduitError } from '@conduit/errors';
import contractSchema from '../../../schemas/subscriber-contract.schema.json' with { type: 'json' };
import { loadElementIndex, type ElementIndex } from './element-index.ts';
import { loadSensitivityRules, type SensitivityRules } from './sensitivity.ts';
import { checkContract, checkTokenDomains, type ContractIssue } from './contract-rules.ts';

/** HL7 v3 PurposeOfUse codes (CodeSystem v3-ActReason) a contract may declare. */
export type PurposeOfUse =
  | 'TREAT' | 'ETREAT' | 'CAREMGT' | 'COC' | 'HPAYMT' | 'HOPERAT' | 'HQUALIMP' | 'PUBHLTH' | 'HRESCH' | 'CLINTRCH'
  | 'PATRQT' | 'HMARKT' | 'HSYSADMIN' | 'HLEGAL';

export type DeidentificationMode = 'none' | 'safe-harbor';

export interface SubscriberContract {
  readonly id: string;
  readonly version: string;
  readonly owner: string;
  readonly description?: string;
  readonly purposeOfUse: PurposeOfUse;
  readonly events: {
    readonly eventTypes?: readonly string[];
    readonly messageTypes?: readonly string[];
    readonly facilities?: readonly string[];
    readonly replays?: boolean;
  };
  readonly projection: {
    readonly allow: Readonly<Record<string, readonly string[]>>;
    readonly deidentification?: DeidentificationMode;
    readonly identifiers?: 'tokenize' | 'remove';
    readonly identifierTypes?: readonly string[];
    readonly tokenize?: { readonly domain?: string; readonly formatPreserving?: boolean };
    readonly sensitiveCategories?: readonly string[];
  };
  readonly channels: {
    readonly kafka?: { readonly retentionMs?: number };
    readonly webhook?: {
      readonly url: string;
      /** Name of the secret holding the signing key, never the key. */
      readonly secretRef: string;
      readonly rateLimit?: { readonly perSecond: number; readonly burst?: number };
      readonly timeoutMs?: number;
      readonly maxAttempts?: number;
      readonly backoffMs?: number;
      readonly concurrency?: number;
      readonly format?: 'event' | 'subscription-notification';
      /** Name of the secret holding a PEM client certificate and key (mutual TLS), never the PEM. */
      readonly clientCertificateRef?: string;
    };
  };
}

export interface LoadedContract {
  readonly file: string;
  readonly contract: SubscriberContract;
}

export interface LoadContractsOptions {
  readonly elements?: ElementIndex;
  readonly sensitivity?: SensitivityRules;
}

interface ParsedFile {
  readonly file: string;
  readonly doc: unknown;
  readonly lineOf: (pointer: string) => number | undefined;
}

/**
 * Loads every *.json / *.yaml / *.yml contract in a folder. A file that fails the schema, names an
 * element FHIR R4 does not define, or breaks a projection rule stops start-up with the file, the
 * path inside it (JSON pointer and line) and the reason, for every problem at once, so one restart
 * fixes them all.
 */
export function loadContracts(dir: string, options: LoadContractsOptions = {}): LoadedContract[] {
  const elements = options.elements ?? loadElementIndex();
  const sensitivity = options.sensitivity ?? loadSensitivityRules();
  const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: false });
  const validate = ajv.compile<SubscriberContract>(contractSchema);
  const problems: string[] = [];
  const loaded: (LoadedContract & { readonly parsed: ParsedFile })[] = [];
  const files = readdirSync(dir).filter((f) => /\.(json|ya?ml)$/.test(f)).sort();
  const report = (parsed: ParsedFile, issue: ContractIssue) => {
    const line = parsed.lineOf(issue.path);
    problems.push(`${parsed.file}: ${issue.path || '/'}${line ? ` (line ${line})` : ''} ${issue.reason}`);
  };
  for (const name of files) {
    const file = join(dir, name);
    const parsed = parseContractFile(file, problems);
    if (!parsed) continue;
    if (!validate(parsed.doc)) {
      for (const e of validate.errors ?? []) report(parsed, schemaIssue(e));
      continue;
    }
    const issues = checkContract(parsed.doc, { elements, sensitivity });
    for (const issue of issues) report(parsed, issue);
    if (issues.length === 0) loaded.push({ file, contract: parsed.doc, parsed });
  }
  const ids = new Map<string, string>();
  for (const { file, contract, parsed } of loaded) {
    const other = ids.get(contract.id);
    if (other) report(parsed, { path: '/id', reason: `"${contract.id}" is also declared in ${other}` });
    ids.set(contract.id, file);
  }
  for (const { index, issue } of checkTokenDomains(loaded.map((l) => l.contract))) {
    const l = loaded[index];
    if (l) report(l.parsed, issue);
  }
  if (problems.length > 0) throw new ConduitError('CDT_CONTRACT_INVALID', problems.join('; '));
  return loaded.map(({ file, contract }) => ({ file, contract }));
}

/**
 * JSON files go through the YAML 1.2 parser too (JSON is a subset), so both kinds get line numbers
 * and duplicate keys are refused rather than silently overwritten as JSON.parse would.
 */
function parseContractFile(file: string, problems: string[]): ParsedFile | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    problems.push(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const line = lineCounter.linePos(e.pos[0]).line;
      problems.push(`${file}: / (line ${line}) cannot be parsed: ${e.message.split('\n')[0]}`);
    }
    return undefined;
  }
  return {
    file,
    doc: doc.toJS() as unknown,
    lineOf(pointer) {
      const path = pointer.split('/').slice(1).map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~')).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
      for (let n = path.length; n >= 0; n--) {
        const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
        const range = (node as { range?: [number, number, number] } | undefined)?.range;
        if (range) return lineCounter.linePos(range[0]).line;
      }
      return undefined;
    },
  };
}

function schemaIssue(e: ErrorObject): ContractIssue {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') return { path: `${e.instancePath}/${String(params['additionalProperty'])}`, reason: 'is not a contract field' };
  if (e.keyword === 'required') return { path: e.instancePath, reason: `must have ${String(params['missingProperty'])}` };
  if (e.keyword === 'enum') return { path: e.instancePath, reason: `must be one of ${(params['allowedValues'] as unknown[]).join(', ')}` };
  if (e.propertyName !== undefined) return { path: `${e.instancePath}/${e.propertyName}`, reason: `name ${e.message ?? 'is invalid'}` };
  return { path: e.instancePath, reason: e.message ?? 'is invalid' };
}
