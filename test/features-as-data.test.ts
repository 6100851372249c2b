import assert from 'node:assert/strict';
import { after, before, describe, it, test } from 'node:test';
import { definedFeatures, loadCatalog } from '../src/compose/catalog.ts';
import { composeTweet } from '../src/compose/compose.ts';
import { lintMessages } from '../src/compose/lint-messages.ts';
import { catalogWithFeature, catalogWithServices, featureWords } from './helpers/catalog.ts';
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
