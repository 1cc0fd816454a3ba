import type { ConduitLogger } from '@conduit/log';

export interface RunningService {
  stop(): Promise<void>;
}

/**
 * The process entry of a service: start it, stop it cleanly on SIGTERM/SIGINT, and exit non-zero
 * when start-up fails (a bad config or contract must stop the process with its message).
 */
export function runService(name: string, start: () => Promise<RunningService>, logger: () => ConduitLogger): void {
  let running: RunningService | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger().info({ signal }, `${name} stopping`);
    try {
      await running?.stop();
      process.exit(0);
    } catch (err) {
      logger().error({ err }, `${name} did not stop cleanly`);
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  start().then(
    (r) => {
      running = r;
      logger().info(`${name} started`);
    },
    (err: unknown) => {
      // Start-up errors are configuration or contract problems: print the catalogued message
      // (it names variables and files, never values) where an operator will see it.
      console.error(`${name}: failed to start: ${(err as Error).message}`);
      process.exit(1);
    },
  );
}
