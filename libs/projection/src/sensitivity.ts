import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The shape of data/sensitive-categories.json. */
export interface SensitiveCategoriesData {
  /** Short names for code systems used below, so the lists stay readable. */
  readonly systems: Readonly<Record<string, string>>;
  readonly categories: Readonly<Record<string, {
    readonly title: string;
    readonly basis: string;
    readonly securityLabels?: Readonly<Record<string, readonly string[]>>;
    readonly codes?: Readonly<Record<string, readonly string[]>>;
    readonly codePrefixes?: Readonly<Record<string, readonly string[]>>;
  }>>;
}

export interface SensitiveCategoryInfo {
  readonly id: string;
  readonly title: string;
  readonly basis: string;
}

export interface SensitivityRules {
  readonly categories: readonly SensitiveCategoryInfo[];
  has(category: string): boolean;
  /**
   * The sensitive categories a resource belongs to: any Coding anywhere in it (code, value,
   * category, component, reason, meta.security labels, even inside extensions and contained
   * resources) that is in a category's value set. Sorted; empty when none.
   */
  classify(resource: unknown): readonly string[];
}

const NONE: readonly string[] = Object.freeze([]);

export function createSensitivityRules(data: SensitiveCategoriesData): SensitivityRules {
  const exact = new Map<string, string[]>();
  const prefixes = new Map<string, Map<string, string[]>>();
  let longestPrefix = 0;
  const system = (alias: string) => {
    const url = data.systems[alias];
    if (!url) throw new Error(`sensitive-categories: unknown system alias ${alias}`);
    return url;
  };
  const add = (map: Map<string, string[]>, key: string, category: string) => {
    const list = map.get(key);
    if (!list) map.set(key, [category]);
    else if (!list.includes(category)) list.push(category);
  };
  for (const [category, def] of Object.entries(data.categories)) {
    for (const [alias, codes] of Object.entries(def.securityLabels ?? {})) for (const c of codes) add(exact, `${system(alias)}|${c}`, category);
    for (const [alias, codes] of Object.entries(def.codes ?? {})) for (const c of codes) add(exact, `${system(alias)}|${c}`, category);
    for (const [alias, list] of Object.entries(def.codePrefixes ?? {})) {
      const url = system(alias);
      let map = prefixes.get(url);
      if (!map) prefixes.set(url, (map = new Map()));
      for (const p of list) {
        const norm = normalizeIcd(p);
        longestPrefix = Math.max(longestPrefix, norm.length);
        add(map, norm, category);
      }
    }
  }

  const matchCoding = (sys: string, code: string, found: Set<string>) => {
    const direct = exact.get(`${sys}|${code}`);
    if (direct) for (const c of direct) found.add(c);
    const byPrefix = prefixes.get(sys);
    if (!byPrefix) return;
    const norm = normalizeIcd(code);
    for (let n = Math.min(norm.length, longestPrefix); n > 0; n--) {
      const hit = byPrefix.get(norm.slice(0, n));
      if (hit) for (const c of hit) found.add(c);
    }
  };

  const walk = (value: unknown, found: Set<string>): void => {
    if (typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item, found);
      return;
    }
    const obj = value as Record<string, unknown>;
    const sys = obj['system'];
    const code = obj['code'];
    if (typeof sys === 'string' && typeof code === 'string') matchCoding(sys, code, found);
    for (const key in obj) {
      const v = obj[key];
      if (typeof v === 'object' && v !== null) walk(v, found);
    }
  };

  const infos = Object.entries(data.categories).map(([id, d]) => ({ id, title: d.title, basis: d.basis }));
  const ids = new Set(infos.map((c) => c.id));
  return {
    categories: infos,
    has: (category) => ids.has(category),
    classify(resource) {
      const found = new Set<string>();
      walk(resource, found);
      return found.size === 0 ? NONE : Object.freeze([...found].sort());
    },
  };
}

/** ICD-10 codes are written with or without the dot (F10.20, F1020); compare without it. */
function normalizeIcd(code: string): string {
  return code.replace('.', '').toUpperCase();
}

let shipped: SensitivityRules | undefined;

/** The starter value sets shipped in data/sensitive-categories.json (immutable, read once). */
export function loadSensitivityRules(): SensitivityRules {
  if (!shipped) {
    const data = JSON.parse(readFileSync(join(import.meta.dirname, '../data/sensitive-categories.json'), 'utf8')) as SensitiveCategoriesData;
    shipped = createSensitivityRules(data);
  }
  return shipped;
}
