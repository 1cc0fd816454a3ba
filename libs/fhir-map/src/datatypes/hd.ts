import type { Hd } from '../identifier-systems.ts';
import type { Components } from '../segment-reader.ts';

/** HD at components first..first+2 (namespace, universal id, universal id type). */
export function readHd(c: Components, first = 1): Hd {
  return { namespace: c.get(first), universalId: c.get(first + 1), universalIdType: c.get(first + 2) };
}

/** HD carried as the subcomponents of one component (CX.4, XCN.9, EI inside EIP). */
export function readHdSub(c: Components, component: number): Hd {
  return { namespace: c.get(component, 1), universalId: c.get(component, 2), universalIdType: c.get(component, 3) };
}

export function isEmptyHd(hd: Hd): boolean {
  return hd.namespace === '' && hd.universalId === '';
}
