import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { localDir, repoRoot } from './paths.ts';

/*
 * Node strips TypeScript types with a WebAssembly compiler that, once loaded, keeps its memory
 * for the life of the process: importing @conduit/fhir-map took a process to 92 MB of RSS
 * stripping as it loaded, 63 MB with every module from Node's compile cache, which keeps the
 * stripped sources too (Node checks each entry against the file's content, so an edited file
 * is stripped again, never served stale). The services run with the cache, and
 * warmCompileCache fills it before they start, so not even a first start loads the compiler.
 */

export const compileCacheDir = join(localDir, 'compile-cache');

/** The environment a process needs to read and fill the cache. */
export const compileCacheEnv: Readonly<Record<string, string>> = { NODE_COMPILE_CACHE: compileCacheDir };

/**
 * Imports each service's entry module (which starts the service only when it is the entry point)
 * and the benchmark that maps in-process, once, in a process of its own that writes the cache as
 * it exits: their import graphs are what the services load.
 */
export function warmCompileCache(services: readonly string[]): void {
  const entries = [...services.map((name) => `services/${name}/src/start.ts`), 'scripts/bench/normalize.ts'];
  const imports = entries.map((m) => `await import(${JSON.stringify(pathToFileURL(join(repoRoot, m)).href)});`).join('\n');
  const r = spawnSync(process.execPath, ['--input-type=module', '--eval', imports], {
    cwd: repoRoot,
    env: { ...process.env, ...compileCacheEnv },
    encoding: 'utf8',
  });
  // A cold cache only costs memory and start time, so a failure here is reported, not fatal.
  if (r.status !== 0) console.warn(`compile cache: not warmed (${r.stderr.trim().split('\n').slice(-1)[0] ?? `exit ${String(r.status)}`})`);
}
