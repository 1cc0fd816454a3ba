import { readFileSync } from 'node:fs';
import { exitCodeForStatus, EXIT, type ExitCode } from './exit-codes.ts';

/** A refusal or failure from the API, carrying the problem document and the exit code it maps to. */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  readonly problem: Readonly<Record<string, unknown>> | undefined;
  constructor(message: string, exitCode: ExitCode, problem?: Readonly<Record<string, unknown>>) {
    super(message);
    this.exitCode = exitCode;
    this.problem = problem;
  }
}

export interface OpsClient {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: Readonly<Record<string, unknown>>): Promise<T>;
}

/**
 * The bearer token: from --token-file, else CONDUIT_OPS_TOKEN, else the file CONDUIT_OPS_TOKEN_FILE
 * names. Never from a flag value, where it would show in process lists and shell history.
 */
export function readToken(env: Readonly<Record<string, string | undefined>>, tokenFile: string | undefined): string | undefined {
  const file = tokenFile ?? (env['CONDUIT_OPS_TOKEN'] ? undefined : env['CONDUIT_OPS_TOKEN_FILE']);
  if (file) {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch {
      throw new CliError(`cannot read the token file ${file}`, EXIT.usage);
    }
  }
  return env['CONDUIT_OPS_TOKEN']?.trim() || undefined;
}

export function createOpsClient(baseUrl: string, token: string | undefined): OpsClient {
  const call = async <T>(method: 'GET' | 'POST', path: string, body?: Readonly<Record<string, unknown>>): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(new URL(path, baseUrl), {
        method,
        headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    } catch (err) {
      throw new CliError(`the ops API at ${baseUrl} did not answer (${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message})`, EXIT.unavailable);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      throw new CliError(`the ops API answered ${res.status} with a body that is not JSON`, res.ok ? EXIT.failure : exitCodeForStatus(res.status));
    }
    if (!res.ok) {
      const p = (parsed ?? {}) as Record<string, unknown>;
      const message = `${String(p['code'] ?? `HTTP ${res.status}`)}: ${String(p['title'] ?? res.statusText)}${p['detail'] ? ` (${String(p['detail'])})` : ''}`;
      throw new CliError(message, exitCodeForStatus(res.status), p);
    }
    return parsed as T;
  };
  return { get: (path) => call('GET', path), post: (path, body) => call('POST', path, body) };
}
