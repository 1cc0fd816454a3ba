import { pino, type Logger, type DestinationStream, type LevelWithSilent } from 'pino';

/**
 * Paths pino censors wherever a caller passes them. Redaction is by key only, so it cannot
 * catch PHI inside a string: callers log ids, codes and counts, never payloads (tests scan
 * log output for seeded PHI to hold them to that).
 */
const REDACTED_PATHS = [
  'payload', '*.payload', 'hl7', '*.hl7', 'raw', '*.raw', 'message.raw', 'body', '*.body',
  'patient', '*.patient', 'name', '*.name', 'mrn', '*.mrn', 'birthDate', '*.birthDate',
  'ssn', '*.ssn', 'address', '*.address', 'phone', '*.phone', 'telecom', '*.telecom',
  'identifier', '*.identifier', 'bundle', '*.bundle', 'resource', '*.resource',
  'authorization', '*.authorization', 'headers.authorization', 'secret', '*.secret', 'key', '*.key',
];

export interface LoggerOptions {
  readonly name: string;
  readonly level?: LevelWithSilent;
  readonly destination?: DestinationStream;
}

export type ConduitLogger = Logger;

export function createLogger(options: LoggerOptions): ConduitLogger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Error messages may quote input in third-party errors; keep only type, code and stack frames.
      serializers: { err: serializeError },
      base: { service: options.name },
    },
    options.destination,
  );
}

interface SafeError {
  type: string;
  code?: string;
  stack?: string;
}

function serializeError(err: unknown): SafeError {
  if (!(err instanceof Error)) return { type: typeof err };
  const code = (err as { code?: unknown }).code;
  const frames = err.stack?.split('\n').slice(1).join('\n');
  return {
    type: err.name,
    ...(typeof code === 'string' ? { code } : {}),
    ...(frames ? { stack: frames } : {}),
  };
}
