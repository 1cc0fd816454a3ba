/** NM (v2.5 §2.A.47): optional sign, digits, optional decimal point. */
const NM = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/** NM → JSON number; undefined when the text is not an NM. */
export function parseNm(text: string): number | undefined {
  if (!NM.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}
