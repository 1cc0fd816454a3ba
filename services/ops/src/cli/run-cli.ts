import { parseArgs } from 'node:util';
import { COMMANDS, type CliIo } from './commands.ts';
import { CliError, createOpsClient, readToken } from './ops-client.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';

const OPTIONS = {
  'json': { type: 'boolean' }, 'help': { type: 'boolean', short: 'h' }, 'url': { type: 'string' }, 'token-file': { type: 'string' },
  'reason': { type: 'string' }, 'stage': { type: 'string' }, 'code': { type: 'string' }, 'subscriber': { type: 'string' },
  'status': { type: 'string' }, 'since': { type: 'string' }, 'until': { type: 'string' }, 'limit': { type: 'string' }, 'offset': { type: 'string' },
  'from': { type: 'string' }, 'to': { type: 'string' }, 'message-type': { type: 'string', multiple: true }, 'facility': { type: 'string', multiple: true },
  'patient-token': { type: 'string', multiple: true }, 'error-code': { type: 'string', multiple: true }, 'rate': { type: 'string' },
  'dry-run': { type: 'boolean' }, 'wait': { type: 'boolean' }, 'action': { type: 'string' }, 'target': { type: 'string' },
  'kind': { type: 'string' }, 'subject': { type: 'string' }, 'poll-ms': { type: 'string' },
} as const;

export function usage(): string {
  return [
    'usage: conduit <command> [flags]',
    '',
    ...Object.values(COMMANDS).map((c) => `  conduit ${c.usage}`),
    '',
    'flags: --json (machine-readable output)  --url URL (default $CONDUIT_OPS_URL or http://127.0.0.1:8470)',
    '       --token-file FILE (else $CONDUIT_OPS_TOKEN, else the file $CONDUIT_OPS_TOKEN_FILE)',
    'exit codes: 0 ok, 1 failure, 2 usage, 3 unauthenticated, 4 forbidden, 5 not found/gone, 6 refused,',
    '            7 unavailable, 8 audit chain broken, 9 replay ended cancelled/failed',
  ].join('\n');
}

/** Runs one CLI invocation and returns its exit code (never exits the process itself). */
export async function runCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: CliIo): Promise<ExitCode> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    io.err(`conduit: ${(err as Error).message}\n${usage()}\n`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const key = positionals.length >= 2 && COMMANDS[`${positionals[0]} ${positionals[1]}`] ? `${positionals[0]} ${positionals[1]}` : (positionals[0] ?? '');
  const command = COMMANDS[key] ?? (positionals[0] && COMMANDS[`${positionals[0]} list`] && positionals.length === 1 ? COMMANDS[`${positionals[0]} list`] : undefined);
  if (values.help || !command) {
    if (!values.help) io.err(`conduit: ${key ? `unknown command "${positionals.join(' ')}"` : 'no command'}\n`);
    io.err(`${usage()}\n`);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  try {
    const client = createOpsClient(values.url ?? env['CONDUIT_OPS_URL'] ?? 'http://127.0.0.1:8470', readToken(env, values['token-file']));
    return await command.run({ client, args: positionals, flags: values, io, json: values.json === true, pollMs: Number(values['poll-ms'] ?? 500) });
  } catch (err) {
    if (err instanceof CliError) {
      if (values.json && err.problem) io.out(JSON.stringify(err.problem, null, 2));
      io.err(`conduit: ${err.message}\n`);
      return err.exitCode;
    }
    io.err(`conduit: ${(err as Error).message}\n`);
    return EXIT.failure;
  }
}
