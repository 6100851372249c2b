/**
 * `node --import tsx bench/profile-summary.ts <file.cpuprofile> [top]`: where a `--cpu-prof`
 * profile's time went, by package or source file and by function (self time), and the inclusive
 * time of herald's own functions, so the hot spot in herald's code stands out from the libraries'.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-summary.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] };
const totalSamples = profile.samples.length;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));

/** `fastify`, `bullmq`, `src/ingest/routes.ts`, `node:internal`, `(gc)`... */
function owner(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const src = /\/((?:src|bench|test)\/.+)$/.exec(url);
  if (src) return src[1]!;
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  return url;
}

const selfByOwner = new Map<string, number>();
const selfByFunction = new Map<string, number>();
for (const node of profile.nodes) {
  const hits = node.hitCount ?? 0;
  if (!hits) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const o = owner(url, functionName);
  selfByOwner.set(o, (selfByOwner.get(o) ?? 0) + hits);
  const fn = `${functionName || '(anonymous)'} ${o}:${lineNumber + 1}`;
  selfByFunction.set(fn, (selfByFunction.get(fn) ?? 0) + hits);
}

// Inclusive time of herald's own functions: each sample counted once per distinct function on its stack.
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const inclusive = new Map<string, number>();
const hitsById = new Map(profile.nodes.map((n) => [n.id, n.hitCount ?? 0]));
for (const [id, hits] of hitsById) {
  if (!hits) continue;
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const { functionName, url, lineNumber } = byId.get(at)!.callFrame;
    if (!/\/src\//.test(url) || url.includes('node_modules')) continue;
    const fn = `${functionName || '(anonymous)'} ${owner(url, functionName)}:${lineNumber + 1}`;
    if (seen.has(fn)) continue;
    seen.add(fn);
    inclusive.set(fn, (inclusive.get(fn) ?? 0) + hits);
  }
}

const pct = (hits: number) => `${((100 * hits) / totalSamples).toFixed(1).padStart(5)} %`;
const show = (title: string, table: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, hits] of [...table].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(hits)}  ${name}`);
};
console.log(`${file}: ${totalSamples} samples over ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s`);
show('self time by package or file', selfByOwner);
show('self time by function', selfByFunction);
show("inclusive time of herald's own functions", inclusive);
