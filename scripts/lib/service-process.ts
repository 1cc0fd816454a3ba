import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compileCacheEnv } from './compile-cache.ts';
import { repoRoot } from './paths.ts';

/** The pipeline's services, which `npm start` and the pipeline tests run by default. */
export const serviceNames = ['ingest', 'normalize', 'project', 'fanout'] as const;
/** Every service, the ops API included (it needs token keys: see serviceEnv's `ops` settings). */
export const allServiceNames = [...serviceNames, 'ops'] as const;
export type ServiceName = (typeof allServiceNames)[number];
export type PipelineServiceName = (typeof serviceNames)[number];

/**
 * V8 flags each service runs with, here and in its package.json start script (a test holds the two
 * in step). Ingest, normalize and project allocate short-lived garbage fast; V8 then grows the
 * young generation to 64 MB semi-spaces (about 130 MB of RSS on a large-memory host). Smaller
 * semi-spaces keep them under their 150 MB budget. Ingest's garbage is per message and small, so
 * 2 MB semi-spaces cost it nothing measurable; --optimize-for-size, tried before, held its peak
 * lower but cost a serial connection ~20% of its rate (scripts/bench/ingest.ts).
 *
 * Normalize's old generation is also bounded: on a large-memory host V8 lets it grow to four
 * times what survived the last full collection, and the normalizer's peak RSS swung between
 * 157 and 214 MB from run to run (scripts/bench/normalize.ts). V8 grows a heap with a smaller
 * maximum by smaller steps: at 1024 MB the peak was 145–153 MB at the same rate, and the largest message
 * ingest takes (an 8 MiB ORU of 60,000 OBX, 62 MB of JSON) still maps, at ~540 MB. A 256 MB bound
 * held it lower but ran out of memory on that message, which would stop its partition.
 */
export const serviceV8Flags: Readonly<Record<ServiceName, readonly string[]>> = {
  ingest: ['--max-semi-space-size=2'],
  normalize: ['--max-semi-space-size=8', '--max-old-space-size=1024'],
  project: ['--max-semi-space-size=8'],
  fanout: [],
  ops: [],
};

export interface ServiceProcess {
  readonly name: ServiceName;
  readonly child: ChildProcess;
  readonly logFile: string;
  stop(): Promise<void>;
}

/** Starts one service as its own process (its own consumer group), logging JSON to logFile. */
export function spawnService(name: ServiceName, env: Record<string, string>, logFile: string): ServiceProcess {
  mkdirSync(dirname(logFile), { recursive: true });
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', ...serviceV8Flags[name], join(repoRoot, 'services', name, 'src/start.ts')], {
    cwd: repoRoot,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...compileCacheEnv, ...env },
    stdio: ['ignore', out, out],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    name,
    child,
    logFile,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
    },
  };
}
