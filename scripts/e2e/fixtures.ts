import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deriveEventId } from '@conduit/bus';
import { repoRoot } from '../lib/paths.ts';

/** The demo ADT^A01 (seeded PHI: see scripts/lib/phi-scan.ts) with a fresh control id. */
export function demoAdtA01(): { message: string; controlId: string; eventId: string } {
  const controlId = `T${randomUUID().replaceAll('-', '').slice(0, 18)}`;
  const message = readFileSync(join(repoRoot, 'deploy/demo/samples/adt-a01.hl7'), 'utf8').replace('|MSG00001|', `|${controlId}|`);
  return { message, controlId, eventId: deriveEventId('EPIC', 'GOODHEALTH', controlId) };
}
