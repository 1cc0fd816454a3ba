// Usage: npm run send -- <file.hl7> [more files…]   (CONDUIT_MLLP_HOST / CONDUIT_MLLP_PORT override 127.0.0.1:2575)
import { parseHl7, sendWithReferenceClient } from '@conduit/hl7v2';
import { readHl7File } from './lib/hl7-file.ts';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: npm run send -- <file.hl7> [more files…]');
  process.exit(2);
}
const host = process.env['CONDUIT_MLLP_HOST'] ?? '127.0.0.1';
const port = Number(process.env['CONDUIT_MLLP_PORT'] ?? 2575);
let failed = 0;
for (const file of files) {
  let messages: string[];
  try {
    messages = readHl7File(file);
  } catch (err) {
    console.error(`${file}: cannot read (${(err as Error).message})`);
    failed++;
    continue;
  }
  for (const [i, message] of messages.entries()) {
    try {
      const ack = parseHl7(await sendWithReferenceClient({ host, port, message }));
      const msa = ack.segment('MSA');
      const err = ack.segment('ERR');
      const code = msa?.get(1) ?? '?';
      if (code !== 'AA' && code !== 'CA') failed++;
      console.log(`${file} #${i + 1}: ${code} for control id ${msa?.get(2) ?? '?'}${err ? ` — ${err.get(5, 1, 1)}: ${err.get(5, 1, 2)}` : ''}`);
    } catch (err) {
      failed++;
      console.error(`${file} #${i + 1}: not acknowledged (${(err as Error).message}); is Conduit running on ${host}:${port}?`);
    }
  }
}
process.exit(failed > 0 ? 1 : 0);
