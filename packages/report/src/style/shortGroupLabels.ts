/**
 * Display names for a language model's groups. The default spec groups by component, feature, layer, head
 * and sign, so a label reads "component=attn, feature=attention, layer=0, head=2, sign=none": five pairs
 * where two say something. Shortened: values that mean "not applicable" (−1, none) go, a key whose value
 * never changes within its component (every attn group's feature is "attention") goes, layer and head
 * become L0 and H2, and the other known keys keep their value only — "attn L0 H2", "input-pattern
 * matches-next", "mlp-neurons L1 pos". The full label stays in every tooltip.
 */

const NOT_APPLICABLE = new Set(['-1', '−1', 'none', 'null', 'n/a', 'na', '']);
/** Keys whose value alone names them (a component or a sign reads without its key). */
const VALUE_ONLY = new Set(['component', 'feature', 'sign', 'type', 'kind']);
const PREFIXED: Record<string, string> = { layer: 'L', head: 'H' };

interface Pair {
  key: string;
  value: string;
}

function parse(label: string): Pair[] {
  return label
    .split(/,\s*/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const at = part.indexOf('=');
      return at < 0 ? { key: '', value: part } : { key: part.slice(0, at).trim(), value: part.slice(at + 1).trim() };
    });
}

function show(pair: Pair, first: boolean): string {
  if (first || pair.key === '' || VALUE_ONLY.has(pair.key)) return pair.value;
  const prefix = PREFIXED[pair.key];
  return prefix && /^-?\d+$/.test(pair.value) ? `${prefix}${pair.value}` : `${pair.key}=${pair.value}`;
}

/** One display name per label, in order; every name unique (labels whose names would collide keep their label). */
export function shortGroupLabels(labels: readonly string[]): string[] {
  const parsed = labels.map(parse);
  const family = (pairs: Pair[]) => (pairs.length ? `${pairs[0].key}=${pairs[0].value}` : '');
  // Values each key takes within each family (groups sharing their first pair, e.g. one component).
  const values = new Map<string, Map<string, Set<string>>>();
  const size = new Map<string, number>();
  for (const pairs of parsed) {
    const f = family(pairs);
    size.set(f, (size.get(f) ?? 0) + 1);
    const byKey = values.get(f) ?? new Map<string, Set<string>>();
    values.set(f, byKey);
    for (const p of pairs) byKey.set(p.key, (byKey.get(p.key) ?? new Set()).add(p.value));
  }
  const shorten = (pairs: Pair[]): string => {
    const f = family(pairs);
    const kept = pairs.filter((p, i) => {
      if (i === 0) return true;
      if (NOT_APPLICABLE.has(p.value.toLowerCase())) return false;
      return !(p.key !== '' && (size.get(f) ?? 0) >= 2 && values.get(f)?.get(p.key)?.size === 1);
    });
    return kept.map((p, i) => show(p, i === 0)).join(' ');
  };
  const out = parsed.map(shorten);
  // Only dropped not-applicable values can make two names equal (a key constant within a family never told its groups apart): those keep their label.
  const count = new Map<string, number>();
  for (const n of out) count.set(n, (count.get(n) ?? 0) + 1);
  return out.map((name, i) => ((count.get(name) ?? 0) > 1 || name.length === 0 ? labels[i] : name));
}
