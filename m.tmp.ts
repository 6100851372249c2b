import { loadCatalog, DEFAULT_MESSAGES_DIR } from './src/compose/catalog.ts';
import { incidentSteps, tidy } from './src/compose/compose.ts';
import { weightedLength } from './src/compose/tweet-length.ts';
const loc = process.argv[2]!;
const svc: Record<string,string> = { ko: '카카오톡', en: 'KakaoTalk', ja: 'カカオトーク' };
const c = loadCatalog(DEFAULT_MESSAGES_DIR, loc);
const impacts = JSON.parse(process.argv[3] ?? '[{"feature":"messaging"},{"feature":"login","platforms":["pc"]}]');
const { steps } = incidentSteps(c, { kind: 'open', incidentKey: 'k', service: svc[loc]!, feature: impacts[0].feature, impacts, scope: 'total', severity: (process.argv[4] ?? 'major') as never, openedAt: '2025-03-14T16:54:00+09:00', at: '2025-03-14T16:56:00+09:00', nextUpdateAt: '2025-03-14T17:26:00+09:00' }, { locale: loc, timezone: 'Asia/Seoul' });
c.situations.get('open')!.forEach((v, i) => { const t = tidy(String(v.message.format(steps[0]!))); console.log(i + 1, weightedLength(t), t); });
