import type { CanonicalEvent, ProjectedEvent } from '@conduit/events';
import type { LoadedContract, SubscriberContract } from './contract.ts';
import type { CompiledContract } from './plan.ts';
import { compileContract, type CompileOptions } from './compile-contract.ts';
import { createDomainTokens, type DomainTokens, type ProjectionKeys } from './domain-tokens.ts';
import { prepareEvent } from './prepare-event.ts';
import { projectPrepared } from './project-event.ts';
import { loadSensitivityRules, type SensitivityRules } from './sensitivity.ts';

export interface ProjectorOptions extends CompileOptions {
  readonly contracts: readonly (LoadedContract | SubscriberContract)[];
  readonly keys: ProjectionKeys;
  readonly sensitivity?: SensitivityRules;
}

export interface Projector {
  readonly plans: readonly CompiledContract[];
  /** Every matching subscriber's projection of one event, in contract order; `only` narrows the subscribers (a targeted replay). */
  project(event: CanonicalEvent, only?: ReadonlySet<string>): ProjectedEvent[];
}

/**
 * The project service's engine: contracts compiled once, one token domain per distinct domain (so
 * contracts sharing a domain share its cache), and each event prepared once for all subscribers.
 */
export function createProjector(options: ProjectorOptions): Projector {
  const sensitivity = options.sensitivity ?? loadSensitivityRules();
  const domains = new Map<string, DomainTokens>();
  const subscribers = options.contracts.map((c) => {
    const plan = compileContract('contract' in c ? c.contract : c, options);
    let tokens = domains.get(plan.tokenDomain);
    if (!tokens) domains.set(plan.tokenDomain, (tokens = createDomainTokens(options.keys, plan.tokenDomain)));
    return { id: plan.contract.id, plan, tokens };
  });
  return {
    plans: subscribers.map((s) => s.plan),
    project(event, only) {
      const prepared = prepareEvent(event, sensitivity);
      const out: ProjectedEvent[] = [];
      for (const s of subscribers) {
        if (only && !only.has(s.id)) continue;
        const projected = projectPrepared(prepared, s.plan, s.tokens);
        if (projected) out.push(projected);
      }
      return out;
    },
  };
}
