import assert from 'node:assert/strict';
import { after, before, describe, it, test } from 'node:test';
import { definedFeatures, loadCatalog } from '../src/compose/catalog.ts';
import { composeTweet } from '../src/compose/compose.ts';
import { lintMessages } from '../src/compose/lint-messages.ts';
import { catalogWithFeature, catalogWithServices, featureWords, setTraits } from './helpers/catalog.ts';
import { event, startTestHerald, type TestHerald } from './helpers/herald.ts';
import { amAlert, amNotification, deliver, SECRETS } from './helpers/monitoring.ts';

/** Features are data: an operator adds `payments` to the catalog, and nothing else. */
const SHIPPED = ['messaging', 'login', 'signup', 'notifications', 'pc', 'other'];

test('a feature added only in the catalog is defined, linted over every combination and composed', () => {
  const dir = catalogWithFeature('payments');
  assert.deepEqual(definedFeatures(dir), [...SHIPPED, 'payments']);
  const report = lintMessages(dir);
  assert.deepEqual(report.problems, []);
  // Seven features now, each proven as the main impact with every platform set and count.
  assert.ok(report.combinations > 2_239_488, String(report.combinations));
  const text = composeTweet(loadCatalog(dir, 'ja'), { kind: 'open', incidentKey: 'pay', service: 'カカオトーク', feature: 'payments', scope: 'partial', severity: 'major', openedAt: '2025-04-11T12:05:00+09:00', nextUpdateAt: '2025-04-11T12:35:00+09:00' }, { locale: 'ja', timezone: 'Asia/Seoul' }).text;
  assert.match(text, /一部の方の決済ができなくなっています/);
});

test('lint refuses a feature one locale lacks, naming the locales that have it', () => {
  const dir = catalogWithFeature('payments', featureWords('payments'), ['ko', 'ja']);
  const missing = lintMessages(dir).problems.filter((p) => p.code === 'missing-key' && p.file.endsWith('en.yaml'));
  assert.deepEqual(missing.map((p) => p.key).sort(), ['advice.payments', 'impact.payments', 'problem.payments', 'tips.payments']);
  assert.match(missing[0]!.message, /present in ja\.yaml, ko\.yaml/);
});

test('lint refuses a feature without all four kinds of words', () => {
  const words = featureWords('payments');
  const { tips: _tips, ...withoutTips } = words.en!;
  const dir = catalogWithFeature('payments', { ...words, en: withoutTips as (typeof words)[string] & object });
  const problems = lintMessages(dir).problems.filter((p) => p.file.endsWith('en.yaml'));
  assert.ok(problems.some((p) => p.key === 'tips.payments' && p.code === 'missing-key'), JSON.stringify(problems));
});

test('what "not your device" names and what a resolution says about data come from the catalog, for an operator\'s feature as for the shipped ones', () => {
  const base = { incidentKey: 'pay', service: 'KakaoTalk', feature: 'payments', severity: 'major' as const, openedAt: '2025-04-11T12:05:00+09:00' };
  const options = { locale: 'en', timezone: 'Asia/Seoul' };
  const open = (dir: string) => composeTweet(loadCatalog(dir, 'en'), { ...base, kind: 'open' }, options).text;
  const resolved = (dir: string, dataSafety?: 'none-lost') => composeTweet(loadCatalog(dir, 'en'), { ...base, kind: 'resolved', resolvedAt: '2025-04-11T12:50:00+09:00', dataSafety }, options).text;
  const plain = catalogWithFeature('payments');
  assert.match(open(plain), /not your device/);
  assert.doesNotMatch(resolved(plain), /send it again/);
  assert.match(resolved(plain, 'none-lost'), /Nothing was lost/);
  // The operator says payments is a PC-only app that carries messages: the words follow, no code.
  const declared = setTraits(catalogWithFeature('payments'), ['features', 'payments'], { data: 'messages', platforms: ['pc'] });
  assert.deepEqual(lintMessages(declared).problems, []);
  assert.match(open(declared), /not your computer/);
  assert.match(resolved(declared), /If a message you sent didn't arrive, please send it again/);
  assert.match(resolved(declared, 'none-lost'), /delayed have all been delivered/);
  // And a platform is a phone or a computer because the catalog says so.
  const webIsComputer = setTraits(catalogWithFeature('payments'), ['devices', 'computer'], ['pc', 'mac', 'web']);
  assert.match(composeTweet(loadCatalog(webIsComputer, 'en'), { ...base, kind: 'open', impacts: [{ feature: 'payments', platforms: ['web'] }] }, options).text, /not your computer/);
});

test('lint refuses traits that differ between locales, or that name a feature without words', () => {
  const differ = setTraits(catalogWithFeature('payments'), ['features', 'payments'], { data: 'messages' }, ['ko']);
  const problems = lintMessages(differ).problems.filter((p) => p.key === 'traits');
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.ok(problems[0]!.file.endsWith('ko.yaml'));
  assert.match(problems[0]!.message, /differs from en\.yaml: traits are the same in every locale/);
  const typo = setTraits(catalogWithFeature('payments'), ['features', 'paymnets'], { data: 'messages' });
  assert.ok(lintMessages(typo).problems.some((p) => p.key === 'traits.features.paymnets' && /no words here/.test(p.message)));
});

describe('a herald whose catalog defines payments', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald({ ...SECRETS, HERALD_MESSAGES_DIR: catalogWithFeature('payments'), HERALD_LOCALE: 'ko' });
  });
  after(async () => t?.close());

  it('announces a payments outage in the catalog’s words', async () => {
    assert.equal((await t.send(event({ key: 'pay-1', service: '카카오톡', feature: 'payments', scope: 'total' }))).status, 202);
    const [post] = await t.fakeX.waitForPosts(1, 10_000);
    assert.match(post!.text, /카카오톡 결제가 안 되고 있어요/);
    assert.match(post!.text, /결제는 조금 뒤에 다시 해 주세요/);
  });

  it('refuses with a 400 naming the defined features a webhook whose feature no catalog defines', async () => {
    for (const body of [event({ feature: 'gift' }), event({ feature: undefined, impacts: [{ feature: 'messaging' }, { feature: 'gift' }] })]) {
      const res = await t.send(body);
      assert.equal(res.status, 400);
      assert.match(res.body.details.join('\n'), /^(feature|impacts\.1\.feature): gift is not a feature the message catalog defines \(messages\/\): messaging, login, signup, notifications, pc, other, payments$/m);
    }
  });

  it('keeps an alert whose feature no catalog defines out of public view, with the reason for staff', async () => {
    const res = await deliver(t, 'alertmanager', amNotification([amAlert('gift-1', 'firing', { labels: { public: 'true', service: 'KakaoTalk', feature: 'gift', severity: 'major' } })]));
    assert.equal(res.status, 202);
    assert.equal(res.body.unrouted, 1);
    const unrouted = (await t.get('/api/alerts/unrouted')).body.alerts.find((a: { alertId: string }) => a.alertId === 'alertmanager:gift-1');
    assert.match(unrouted.reason, /label feature "gift" is not a feature the message catalog defines \(messages\/\): .*payments/);
  });
});

test('each locale names the service as its catalog says: 카카오톡, KakaoTalk, カカオトーク', () => {
  const names = { ko: '카카오톡', en: 'KakaoTalk', ja: 'カカオトーク' };
  const dir = catalogWithServices({ KakaoTalk: names });
  for (const [locale, name] of Object.entries(names)) {
    const text = composeTweet(loadCatalog(dir, locale), { kind: 'open', incidentKey: 'k', service: 'KakaoTalk', feature: 'messaging', severity: 'major', openedAt: '2025-04-11T12:05:00+09:00' }, { locale, timezone: 'Asia/Seoul' }).text;
    assert.ok(text.includes(name), `${locale}: ${text}`);
  }
  // A name the catalog does not list is used as it came.
  assert.match(composeTweet(loadCatalog(dir, 'ko'), { kind: 'open', incidentKey: 'k', service: 'Daum Mail', feature: 'messaging', severity: 'major', openedAt: '2025-04-11T12:05:00+09:00' }, { locale: 'ko', timezone: 'Asia/Seoul' }).text, /Daum Mail/);
});
