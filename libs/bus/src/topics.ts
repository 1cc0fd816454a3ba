import kafkajs, { type Admin, type ITopicConfig } from 'kafkajs';

// kafkajs is CommonJS and Node's named-export detection misses ConfigResourceTypes.
const { ConfigResourceTypes } = kafkajs;

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** -1 takes the broker's default.replication.factor (3 in production, 1 on the local broker). */
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
  readonly description?: string;
}

export interface ProvisionReport {
  readonly created: string[];
  readonly updated: string[];
  readonly unchanged: string[];
}

/**
 * Creates missing topics and brings existing ones to the declared partitions and configs,
 * idempotently: running it twice changes nothing the second time.
 */
export async function provisionTopics(admin: Admin, specs: readonly TopicSpec[]): Promise<ProvisionReport> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.name));
  if (missing.length > 0) {
    const topics: ITopicConfig[] = missing.map((s) => ({
      topic: s.name,
      numPartitions: s.partitions,
      replicationFactor: s.replicationFactor,
      configEntries: Object.entries(s.configs).map(([name, value]) => ({ name, value })),
    }));
    // createTopics reports false (not an error) for a topic another process created meanwhile.
    await admin.createTopics({ topics, waitForLeaders: true });
  }
  const present = specs.filter((s) => existing.has(s.name));
  const updated: string[] = [];
  const unchanged: string[] = [];
  if (present.length > 0) {
    const meta = await admin.fetchTopicMetadata({ topics: present.map((s) => s.name) });
    const partitionCount = new Map(meta.topics.map((t) => [t.name, t.partitions.length]));
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: present.map((s) => ({ type: ConfigResourceTypes.TOPIC, name: s.name, configNames: Object.keys(s.configs) })),
    });
    const current = new Map(
      described.resources.map((r) => [r.resourceName, new Map(r.configEntries.map((e) => [e.configName, e.configValue]))]),
    );
    for (const spec of present) {
      let changed = false;
      const count = partitionCount.get(spec.name) ?? 0;
      if (count < spec.partitions) {
        await admin.createPartitions({ topicPartitions: [{ topic: spec.name, count: spec.partitions }] });
        changed = true;
      }
      const have = current.get(spec.name);
      const drift = Object.entries(spec.configs).filter(([k, v]) => have?.get(k) !== v);
      if (drift.length > 0) {
        // AlterConfigs replaces a topic's whole dynamic config; the declared set is that whole config.
        await admin.alterConfigs({
          validateOnly: false,
          resources: [{ type: ConfigResourceTypes.TOPIC, name: spec.name, configEntries: Object.entries(spec.configs).map(([name, value]) => ({ name, value })) }],
        });
        changed = true;
      }
      (changed ? updated : unchanged).push(spec.name);
    }
  }
  return { created: missing.map((s) => s.name), updated, unchanged };
}
