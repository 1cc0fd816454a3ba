import { readFileSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ConduitError } from '@conduit/errors';
import type { ValidationOptions } from '@conduit/hl7v2';
import type { ClientCertificateMode } from '@conduit/mllp';
import listenersSchema from '../../../schemas/config/listeners.schema.json' with { type: 'json' };

/** One listener as declared (schemas/config/listeners.schema.json), defaults applied. */
export interface ListenerDeclaration {
  readonly name: string;
  readonly protocol: 'mllp' | 'http';
  readonly host: string;
  readonly port: number;
  readonly maxFrameBytes: number;
  readonly idleTimeoutMs: number;
  readonly maxConnections: number;
  readonly tls?: {
    readonly certFile: string;
    readonly keyFile: string;
    readonly caFile?: string;
    readonly clientCertificate: ClientCertificateMode;
    readonly minVersion: 'TLSv1.2' | 'TLSv1.3';
  };
  readonly allowedSources?: readonly string[];
  readonly allowedFacilities?: readonly string[];
  readonly charsetOverride?: string;
  readonly validation: {
    readonly processingIds?: readonly string[];
    readonly versions?: readonly string[];
    readonly unsupportedEvents: 'accept' | 'reject';
    readonly unknownZSegments: 'accept' | 'reject';
    readonly knownZSegments?: readonly string[];
  };
}

/** A listener ready to start: TLS material read, allowlists compiled. */
export interface ListenerConfig extends ListenerDeclaration {
  readonly tlsMaterial?: { readonly key: Buffer; readonly cert: Buffer; readonly ca?: Buffer; readonly minVersion: 'TLSv1.2' | 'TLSv1.3' };
  readonly clientCertificate: ClientCertificateMode;
  readonly validationOptions: ValidationOptions;
  /** undefined: every source address is taken. */
  readonly sources?: BlockList;
  /** undefined: every sending facility is taken. */
  readonly facilities?: ReadonlySet<string>;
}

/** The single-listener variables (the default when no listeners file is given). */
export interface SingleListenerEnv {
  readonly CONDUIT_LISTENER_NAME: string;
  readonly CONDUIT_MLLP_HOST: string;
  readonly CONDUIT_MLLP_PORT: number;
  readonly CONDUIT_MLLP_MAX_FRAME_BYTES: number;
  readonly CONDUIT_MLLP_IDLE_TIMEOUT_MS: number;
  readonly CONDUIT_MLLP_MAX_CONNECTIONS: number;
}

const SINGLE_LISTENER_VARIABLES = ['CONDUIT_LISTENER_NAME', 'CONDUIT_MLLP_HOST', 'CONDUIT_MLLP_PORT', 'CONDUIT_MLLP_MAX_FRAME_BYTES', 'CONDUIT_MLLP_IDLE_TIMEOUT_MS', 'CONDUIT_MLLP_MAX_CONNECTIONS'] as const;

/**
 * The listeners of this process: those of the file CONDUIT_LISTENERS_FILE names, else one MLLP
 * listener from the CONDUIT_MLLP_* variables. Setting both is refused: one of them would be
 * silently ignored. Errors name the file and the JSON path, never a value.
 */
export function loadListeners(file: string | undefined, single: SingleListenerEnv, env: Readonly<Record<string, string | undefined>>): ListenerConfig[] {
  if (file === undefined) {
    return [compile({
      name: single.CONDUIT_LISTENER_NAME,
      protocol: 'mllp',
      host: single.CONDUIT_MLLP_HOST,
      port: single.CONDUIT_MLLP_PORT,
      maxFrameBytes: single.CONDUIT_MLLP_MAX_FRAME_BYTES,
      idleTimeoutMs: single.CONDUIT_MLLP_IDLE_TIMEOUT_MS,
      maxConnections: single.CONDUIT_MLLP_MAX_CONNECTIONS,
      validation: { unsupportedEvents: 'reject', unknownZSegments: 'accept' },
    }, 'environment')];
  }
  const conflicting = SINGLE_LISTENER_VARIABLES.filter((k) => env[k] !== undefined && env[k] !== '');
  if (conflicting.length > 0) throw new ConduitError('CDT_CONFIG_INVALID', `${conflicting.join(', ')}: not used when CONDUIT_LISTENERS_FILE is set; declare the listener in that file`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConduitError('CDT_CONFIG_INVALID', `CONDUIT_LISTENERS_FILE ${file}: ${(err as NodeJS.ErrnoException).code ?? 'not valid JSON'}`);
  }
  const validate = new Ajv2020({ allErrors: true, useDefaults: true, strict: true, strictRequired: false }).compile<{ listeners: ListenerDeclaration[] }>(listenersSchema);
  if (!validate(parsed)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`);
    throw new ConduitError('CDT_CONFIG_INVALID', `${file}: ${problems.join('; ')}`);
  }
  const names = new Set<string>();
  const ports = new Set<number>();
  for (const l of parsed.listeners) {
    if (names.has(l.name)) throw new ConduitError('CDT_CONFIG_INVALID', `${file}: listener name ${l.name} is declared twice`);
    if (l.port !== 0 && ports.has(l.port)) throw new ConduitError('CDT_CONFIG_INVALID', `${file}: port ${l.port} is declared twice`);
    names.add(l.name);
    ports.add(l.port);
  }
  return parsed.listeners.map((l) => compile(l, file));
}

function compile(l: ListenerDeclaration, origin: string): ListenerConfig {
  const where = `${origin}: listener ${l.name}`;
  const readPem = (path: string, what: string) => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new ConduitError('CDT_CONFIG_INVALID', `${where}: tls.${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
  };
  const tlsMaterial = l.tls
    ? {
        key: readPem(l.tls.keyFile, 'keyFile'),
        cert: readPem(l.tls.certFile, 'certFile'),
        ...(l.tls.caFile ? { ca: readPem(l.tls.caFile, 'caFile') } : {}),
        minVersion: l.tls.minVersion,
      }
    : undefined;
  return {
    ...l,
    ...(tlsMaterial ? { tlsMaterial } : {}),
    clientCertificate: l.tls?.clientCertificate ?? 'none',
    validationOptions: {
      unsupportedEvents: l.validation.unsupportedEvents,
      unknownZSegments: l.validation.unknownZSegments,
      ...(l.validation.knownZSegments ? { knownZSegments: l.validation.knownZSegments } : {}),
      ...(l.validation.processingIds ? { processingIds: l.validation.processingIds } : {}),
      ...(l.validation.versions ? { versions: l.validation.versions } : {}),
    },
    ...(l.allowedSources ? { sources: compileSources(l.allowedSources, where) } : {}),
    ...(l.allowedFacilities ? { facilities: new Set(l.allowedFacilities) } : {}),
  };
}

/** "10.1.2.3", "10.1.0.0/16", "::1", "fd00::/8". */
function compileSources(entries: readonly string[], where: string): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address);
    if (family === 0) throw new ConduitError('CDT_CONFIG_INVALID', `${where}: allowedSources entry ${entry} is not an IP address or CIDR range`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const bits = Number(prefix);
    if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) throw new ConduitError('CDT_CONFIG_INVALID', `${where}: allowedSources entry ${entry} has an invalid prefix length`);
    list.addSubnet(address, bits, type);
  }
  return list;
}

/** Whether a peer address is on the listener's allowlist (no list: everyone is). */
export function isSourceAllowed(listener: Pick<ListenerConfig, 'sources'>, address: string): boolean {
  if (!listener.sources) return true;
  const family = isIP(address);
  if (family === 0) return false;
  return listener.sources.check(address, family === 4 ? 'ipv4' : 'ipv6');
}
