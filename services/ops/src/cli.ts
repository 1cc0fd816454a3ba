#!/usr/bin/env node
// The `conduit` operator CLI (npm bin of @conduit/service-ops). Runs on Node 24 directly from .ts.
import { runCli } from './cli/run-cli.ts';

process.exitCode = await runCli(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(text),
  interactive: process.stderr.isTTY === true,
});
