import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopicSpec } from '@conduit/bus';
import { repoRoot } from './paths.ts';

export function readTopicsFile(): TopicSpec[] {
  const file = join(repoRoot, 'deploy/kafka/topics.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { topics: TopicSpec[] }).topics;
}
