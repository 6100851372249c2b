/**
 * The proof behind "composing cannot fail": for every incident situation, with and without a known
 * next update, every severity, and every combination of facts the model accepts (each feature the
 * catalog defines as the main impact, on every set of platforms, with 1 to as many impacts as there
 * are features, every scope and data-safety value), the last step of the fitting order (fitting.ts)
 * must fit on X, Bluesky and Mastodon with a 60-character service name of double-weight characters
 * and the longest times. Nothing is given up after that step, so a text always comes out.
 *
 * The combinations are generated, not sampled, but not all rendered: the values each worded
 * variable ({impact}, {advice}, {meanwhile}, {problem}, {safety}) takes over every combination are
 * collected, and each variant is rendered once per network with the longest of each at once. A
 * text only grows with a longer value, so that bound covers every combination; when it does not
 * fit, the combinations are rendered one by one to name the ones that fail. It takes well under a
 * second per locale.
 */
import { PLATFORMS, SEVERITIES, DATA_SAFETY, SCOPES, type Impact, type Platform, type Scope, type Severity } from '../incidents/model.ts';
import { impactsOf } from '../incidents/impacts.ts';
import type { Catalog, Situation } from './catalog.ts';
import { incidentSteps, renderGroup, shortestRendering, type ComposeInput } from './compose.ts';
import type { CatalogProblem } from './errors.ts';
import { lastWords } from './fitting.ts';
import { safetyText } from './incident-words.ts';
import { BLUESKY_LIMIT, X_LIMIT, mastodonLimit, type TextLimit } from './network-length.ts';
import { SERVICE_NAME_MAX_LENGTH } from './sanitize.ts';

/** Every network herald posts to, at its default limit. */
export const FIT_NETWORKS: readonly TextLimit[] = [X_LIMIT, BLUESKY_LIMIT, mastodonLimit()];

/** The widest service name ingest accepts: 60 characters that X counts double. */
export const WIDEST_SERVICE = '가'.repeat(SERVICE_NAME_MAX_LENGTH);

type Worded = 'impact' | 'advice' | 'meanwhile' | 'problem' | 'safety';
const WORDED: readonly Worded[] = ['impact', 'advice', 'meanwhile', 'problem', 'safety'];

/** One combination of facts, as lint names it when it fails, with its last-step words. */
interface Combination {
  /** The main impact's feature: the bound is taken per main feature, since the advice goes with it. */
  main: string;
  label: string;
  words: Record<Exclude<Worded, 'safety'>, string>;
}

/** Every subset of the platforms, the empty one (everywhere) first. */
function platformSets(): Platform[][] {
  return Array.from({ length: 2 ** PLATFORMS.length }, (_, mask) => PLATFORMS.filter((_, i) => mask & (1 << i)));
}

const labelOf = (impacts: readonly Impact[], scope: Scope | undefined): string =>
  `${impacts.map((i) => `${i.feature}${i.platforms ? `:${i.platforms.join('+')}` : ''}`).join(', ')}; scope ${scope ?? 'unknown'}`;

/**
 * Every combination the model accepts, as far as the last step can tell them apart: the main
 * impact's feature and platforms, how many impacts, and the scope. (The other impacts show at the
 * last step only as a count, and in {safety}, which is proven over all its texts apart.)
 */
function combinations(catalog: Catalog, features: readonly string[]): Combination[] {
  const out: Combination[] = [];
  for (const main of features) {
    for (const platforms of platformSets()) {
      const first: Impact = { feature: main as Impact['feature'], ...(platforms.length > 0 && { platforms }) };
      const others = features.filter((f) => f !== main).map((feature): Impact => ({ feature: feature as Impact['feature'] }));
      for (let n = 1; n <= features.length; n += 1) {
        // As compose sees them: impactsOf reads all five platforms as everywhere.
        const impacts = impactsOf({ feature: first.feature, impacts: [first, ...others.slice(0, n - 1)] });
        for (const scope of [undefined, ...SCOPES]) {
          const { service: _service, ...words } = lastWords(catalog, { impacts, scope }, WIDEST_SERVICE);
          out.push({ main, label: labelOf(impacts, scope), words });
        }
      }
    }
  }
  return out;
}

/** Every {safety} a resolution can say: each data-safety value, with a feature carrying messages among the impacts or not. */
function safetyTexts(catalog: Catalog, features: readonly string[]): string[] {
  const carries = (f: string) => catalog.traits.features[f]?.data === 'messages';
  const withMessaging: Impact[] = features.filter(carries).slice(0, 1).map((feature) => ({ feature }));
  const without: Impact[] = features.filter((f) => !carries(f)).slice(0, 1).map((feature) => ({ feature }));
  const texts = DATA_SAFETY.flatMap((dataSafety) => [withMessaging, without].filter((i) => i.length > 0).map((impacts): string => safetyText(catalog, { impacts, dataSafety })));
  return [...new Set(texts)];
}

/** The incident posts to prove, each a situation with the input that leads to it. */
function situations(): Array<{ situation: Situation; input: Partial<ComposeInput> }> {
  const dayLater = { at: '2025-12-31T12:58:00Z' };
  return [
    { situation: 'open', input: { kind: 'open' } },
    { situation: 'update', input: { kind: 'update', at: '2025-12-30T14:58:00Z' } },
    { situation: 'meanwhile', input: { kind: 'update', ...dayLater } },
    { situation: 'identified', input: { kind: 'update', phase: 'identified', ...dayLater } },
    { situation: 'monitoring', input: { kind: 'update', phase: 'monitoring', previousPhase: 'monitoring', ...dayLater } },
    { situation: 'resolved', input: { kind: 'resolved', resolvedAt: '2025-12-31T12:59:00Z' } },
    { situation: 'reopened', input: { kind: 'reopened', ...dayLater } },
    { situation: 'standalone.update', input: { kind: 'update', standalone: true, firstPostAt: '2025-12-31T12:59:00Z', ...dayLater } },
    { situation: 'standalone.resolved', input: { kind: 'resolved', standalone: true, firstPostAt: '2025-12-30T12:59:00Z', resolvedAt: '2025-12-31T12:59:00Z' } },
    { situation: 'standalone.reopened', input: { kind: 'reopened', standalone: true, firstPostAt: '2025-12-31T12:59:00Z', ...dayLater } },
  ];
}

/**
 * A cheap length never below the network's own: X's weights per code point (twitter-text's v3
 * ranges count 1, the rest 2, as for every text without links), code points for the others.
 */
function roughLength(text: string, limit: TextLimit): number {
  let n = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    // X's weighting (twitter-text's v3 ranges count 1, the rest 2); the others count characters.
    n += limit.network !== 'x' || cp <= 4351 || (cp >= 8192 && cp <= 8205) || (cp >= 8208 && cp <= 8223) || (cp >= 8242 && cp <= 8247) ? 1 : 2;
  }
  return n;
}

const longestOf = (texts: Iterable<string>, limit: TextLimit): string => {
  let best = '';
  for (const t of texts) if (roughLength(t, limit) > roughLength(best, limit)) best = t;
  return best;
};

export interface FitReport {
  /** Combinations covered (facts × situations × groups × severities × networks). */
  combinations: number;
  problems: CatalogProblem[];
}

/** Proves the last fitting step fits every combination for `catalog`'s locale; see the file comment. */
export function lintFitting(catalog: Catalog, features: readonly string[]): FitReport {
  const all = combinations(catalog, features);
  const safeties = safetyTexts(catalog, features);
  // Per main feature and network (they count differently): the longest value of each worded variable.
  const bounds = new Map<TextLimit, Array<Record<string, string>>>();
  for (const limit of FIT_NETWORKS) {
    bounds.set(
      limit,
      features.map((main) => {
        const mine = all.filter((c) => c.main === main);
        const longest = (name: Exclude<Worded, 'safety'>) => longestOf(new Set(mine.map((c) => c.words[name])), limit);
        // Plural is the longer English ("problems … are"): the bound for one problem as for several.
        return { impact: longest('impact'), advice: longest('advice'), meanwhile: longest('meanwhile'), problem: longest('problem'), problemCount: '2', safety: longestOf(safeties, limit) };
      }),
    );
  }
  const failing = new Map<string, { situation: Situation; group: string; limit: TextLimit; labels: Set<string>; worst: number }>();
  let combinationsChecked = 0;
  const options = { locale: catalog.locale, timezone: 'UTC' };
  for (const { situation, input } of situations()) {
    for (const nextUpdateAt of input.kind === 'resolved' ? [undefined] : [undefined, '2025-12-31T12:59:00Z']) {
      for (const severity of SEVERITIES as readonly Severity[]) {
        const base: ComposeInput = { incidentKey: 'lint', service: WIDEST_SERVICE, feature: 'messaging', severity, openedAt: '2025-12-30T12:59:00Z', ...input, kind: input.kind!, ...(nextUpdateAt !== undefined && { nextUpdateAt }) };
        const last = incidentSteps(catalog, base, options).steps.at(-1)!;
        for (const limit of FIT_NETWORKS) {
          combinationsChecked += all.length * (situation.endsWith('resolved') ? safeties.length : 1);
          features.forEach((main, i) => {
            if (fits(catalog, situation, { ...last, ...bounds.get(limit)![i] }, limit)) return;
            const found = failures(catalog, situation, last, limit, all.filter((c) => c.main === main), safeties);
            if (found.labels.length === 0) return;
            const group = nextUpdateAt !== undefined ? 'with {nextUpdate}' : 'without {nextUpdate}';
            const at = `${situation}\u0000${group}\u0000${limit.label}`;
            const seen = failing.get(at) ?? { situation, group, limit, labels: new Set<string>(), worst: 0 };
            for (const label of found.labels) seen.labels.add(label);
            seen.worst = Math.max(seen.worst, found.worst);
            failing.set(at, seen);
          });
        }
      }
    }
  }
  const problems = [...failing.values()].map(({ situation, group, limit, labels, worst }): CatalogProblem => ({
    file: catalog.file,
    key: situation,
    code: 'too-long',
    message: `${labels.size} combination(s) do not fit in ${limit.label} even at the last fitting step (${group}, a ${SERVICE_NAME_MAX_LENGTH}-character service name cut to 20; up to ${worst}), e.g. ${[...labels].slice(0, 3).join(' | ')}: shorten this situation's short variants or the pieces they use`,
  }));
  return { combinations: combinationsChecked, problems };
}

/** Whether a variant of the group fits `limit` with `values` (the rough length first: it is never below the real one). */
function fits(catalog: Catalog, situation: Situation, values: Record<string, string>, limit: TextLimit): boolean {
  const rough = renderGroup(catalog, situation, values).find((text) => roughLength(text, limit) <= limit.max);
  if (rough !== undefined && limit.postable(rough)) return true;
  const best = shortestRendering(catalog, situation, values, limit);
  return best.length <= limit.max && best.postable;
}

/** The combinations that really fail (the bound did not fit), rendered one by one, and the longest they get. */
function failures(catalog: Catalog, situation: Situation, last: Record<string, string>, limit: TextLimit, all: readonly Combination[], safeties: readonly string[]): { labels: string[]; worst: number } {
  const labels: string[] = [];
  let worst = 0;
  for (const c of all) {
    for (const safety of situation.endsWith('resolved') ? safeties : [last.safety ?? '']) {
      const values = { ...last, ...c.words, safety };
      if (fits(catalog, situation, values, limit)) continue;
      worst = Math.max(worst, shortestRendering(catalog, situation, values, limit).length);
      labels.push(c.label);
      break;
    }
  }
  return { labels, worst };
}
