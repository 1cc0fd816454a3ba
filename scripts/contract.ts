// Usage: node scripts/contract.ts <contracts-dir> [subscriber-id] [--json]
// Prints the published contract: exactly which elements each subscriber receives and how (the
// effective allowlist after Safe Harbor, token domain, withheld sensitive categories, purpose,
// events, channels): what a privacy officer reviews and signs. Invalid contracts exit with status 1
// and the file, path and reason of every problem.
import { isConduitError } from '@conduit/errors';
import { describeContract, formatPublishedContract, loadContracts, type PublishedContract } from '@conduit/projection';

export function runContractCli(argv: readonly string[]): { readonly status: number; readonly output: string } {
  const json = argv.includes('--json');
  const [dir, id, ...rest] = argv.filter((a) => a !== '--json');
  if (!dir || rest.length > 0) return { status: 2, output: 'usage: node scripts/contract.ts <contracts-dir> [subscriber-id] [--json]\n' };
  let published: PublishedContract[];
  try {
    const loaded = loadContracts(dir).filter((l) => id === undefined || l.contract.id === id);
    if (loaded.length === 0) return { status: 1, output: `no contract${id ? ` with id "${id}"` : ''} in ${dir}\n` };
    published = loaded.map((l) => describeContract(l.contract));
  } catch (err) {
    if (!isConduitError(err)) throw err;
    return { status: 1, output: `${err.code}: ${err.message.replaceAll('; ', '\n  ')}\n` };
  }
  if (json) return { status: 0, output: `${JSON.stringify(id ? published[0] : published, null, 2)}\n` };
  return { status: 0, output: published.map(formatPublishedContract).join(`\n${'='.repeat(100)}\n\n`) };
}

if (import.meta.main) {
  const { status, output } = runContractCli(process.argv.slice(2));
  (status === 0 ? process.stdout : process.stderr).write(output);
  process.exitCode = status;
}
