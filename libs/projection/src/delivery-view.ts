import type { ProjectedEvent } from '@conduit/events';

/**
 * The projected event as the subscriber should receive it: without `withheld`. The withheld
 * categories belong on conduit.projected.v1 (operators see why data was held back), but telling a
 * subscriber "substance-use data about this patient was withheld" discloses exactly what was
 * withheld (42 CFR 2.13; 2.12(e)(3): the fact of a Part 2 record is itself protected).
 */
export function forDelivery(projected: ProjectedEvent): ProjectedEvent {
  if (projected.withheld === undefined) return projected;
  const view: { -readonly [K in keyof ProjectedEvent]?: ProjectedEvent[K] } = { ...projected };
  delete view.withheld;
  return view as ProjectedEvent;
}
