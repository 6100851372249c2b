import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { main, type CliIo } from '../src/cli.ts';
import { DEFAULT_MESSAGES_DIR, catalogLocales, loadCatalog } from '../src/compose/catalog.ts';
import { CatalogError, type CatalogProblem } from '../src/compose/errors.ts';
import { lintMessages, longServiceName } from '../src/compose/lint-messages.ts';
import { weightedLength } from '../src/compose/tweet-length.ts';

/** A copy of the shipped catalogs in a fresh directory, with `edits[locale]` replacing one text. */
function catalogsWith(edits: Record<string, [string, string]>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'herald-messages-'));
  for (const locale of catalogLocales(DEFAULT_MESSAGES_DIR)) {
    let text = readFileSync(path.join(DEFAULT_MESSAGES_DIR, `${locale}.yaml`), 'utf8');
    const edit = edits[locale];
    if (edit) {
      assert.ok(text.includes(edit[0]), `fixture: ${locale}.yaml contains ${edit[0]}`);
      text = text.replace(edit[0], edit[1]);
    }
    writeFileSync(path.join(dir, `${locale}.yaml`), text);
  }
  return dir;
}

const where = (p: CatalogProblem) => ({ file: path.basename(p.file), key: p.key, variant: p.variant, code: p.code });

test('the shipped catalogs pass lint', () => {
  const report = lintMessages(DEFAULT_MESSAGES_DIR);
  assert.deepEqual(report.problems, []);
  assert.deepEqual(report.locales, ['en', 'ja', 'ko']);
  assert.ok(report.checked > 100);
});

test('lint measures with a service name at the longest weight allowed', () => {
  assert.deepEqual(['ko', 'en', 'ja'].map((l) => weightedLength(longServiceName(l))), [40, 40, 40]);
});

test('an ICU syntax error is reported with its key and variant', () => {
  const dir = catalogsWith({ ko: ['"{time}부터 {service} {impact}. {device} 탓이 아닌 저희 쪽 문제예요. {advice} 죄송합니다."\n', '"{time}부터 {service {impact}. {device} 탓이 아닌 저희 쪽 문제예요. {advice} 죄송합니다."\n'] });
  assert.deepEqual(lintMessages(dir).problems.map(where), [{ file: 'ko.yaml', key: 'open', variant: 6, code: 'syntax' }]);
});

test('a key missing in one locale is reported with the locales that have it', () => {
  const dir = catalogsWith({ en: ['  pc:\n', '  pc_typo:\n'] });
  const problems = lintMessages(dir).problems;
  const missing = problems.find((p) => p.code === 'missing-key');
  assert.deepEqual(missing && where(missing), { file: 'en.yaml', key: 'impact.pc', variant: undefined, code: 'missing-key' });
  assert.match(missing!.message, /ja\.yaml, ko\.yaml/);
  assert.ok(problems.some((p) => p.code === 'unknown-key' && p.key === 'impact.pc_typo'));
});

test('a variable the situation does not provide is reported', () => {
  const dir = catalogsWith({ ja: ['までの{duration}、', 'までの{minutes}、'] });
  const [problem] = lintMessages(dir).problems;
  assert.deepEqual(problem && where(problem), { file: 'ja.yaml', key: 'resolved', variant: 0, code: 'unknown-variable' });
  assert.match(problem!.message, /\{minutes\}/);
});

test('a variant that overflows with the longest values is reported', () => {
  const range = '{span, select, brief {{time}} other {{time}~{endTime}}}';
  const dir = catalogsWith({ ko: [`"{service} {problem} 문제가 해결됐어요(${range}).`, `"{service} {problem} 문제가 해결됐어요(${range}). ${'정말 '.repeat(40)}`] });
  // Too long in an ordinary outage, and at the last fitting step (once for each network it overflows).
  const problems = lintMessages(dir).problems;
  assert.deepEqual(problems[0] && where(problems[0]), { file: 'ko.yaml', key: 'resolved', variant: 2, code: 'too-long' });
  assert.ok(problems.slice(1).every((p) => p.key === 'resolved' && p.code === 'too-long' && /last fitting step/.test(p.message)), JSON.stringify(problems));
});

test('a variant that does not name the service is reported', () => {
  const dir = catalogsWith({ en: ['"Since {time}, {service} {impact}. It\'s on us, not your {device}. {advice} Sorry."\n', '"Since {time}, our {impact}. It\'s on us, not your {device}. {advice} Sorry."\n'] });
  assert.deepEqual(lintMessages(dir).problems.map(where), [{ file: 'en.yaml', key: 'open', variant: 6, code: 'style' }]);
});

test('a hashtag written into a message is reported', () => {
  const dir = catalogsWith({ en: ['"Since {time}, {service} {impact}. It\'s on us, not your {device}. {advice} Sorry."\n', '"Since {time}, {service} {impact}. It\'s on us, not your {device}. {advice} Sorry. #outage"\n'] });
  const [problem] = lintMessages(dir).problems;
  assert.equal(problem?.code, 'style');
  assert.match(problem!.message, /hashtag #outage/);
});

test('loading a broken catalog throws a CatalogError naming file, key and variant', () => {
  const dir = catalogsWith({ ko: ['"{time}부터 {service} {impact}. {device} 탓이 아닌 저희 쪽 문제예요. {advice} 죄송합니다."\n', '"{time}부터 {service {impact}. {device} 탓이 아닌 저희 쪽 문제예요. {advice} 죄송합니다."\n'] });
  assert.throws(() => loadCatalog(dir, 'ko'), (e: unknown) => e instanceof CatalogError && /ko\.yaml: open, variant 7: ICU syntax error/.test(e.message));
});

test('lint-messages lists every problem and exits 1', async () => {
  const dir = catalogsWith({ ko: ['"{time}부터 {service} {impact}. {device} 탓이 아닌 저희 쪽 문제예요. {advice} 죄송합니다."\n', '"{time}부터 {service {impact}. {device} 탓이 아닌 저희 쪽 문제예요. {advice} 죄송합니다."\n'], ja: ['までの{duration}、', 'までの{minutes}、'] });
  let err = '';
  const io: CliIo = { out: () => {}, err: (t) => void (err += t), env: {}, cwd: process.cwd() };
  assert.equal(await main(['lint-messages', '--messages', dir], io), 1);
  assert.match(err, /ko\.yaml: open, variant 7/);
  assert.match(err, /ja\.yaml: resolved, variant 1/);
  assert.match(err, /2 problem\(s\)/);
});

test('a piece using a variable it does not get is reported', () => {
  const dir = catalogsWith({ en: ['messaging: ["Please don\'t delete', 'messaging: ["{service}: please don\'t delete'] });
  const [problem] = lintMessages(dir).problems;
  assert.deepEqual(problem && where(problem), { file: 'en.yaml', key: 'advice.messaging', variant: 0, code: 'unknown-variable' });
});

test('an impact that hedges when everyone is affected is reported', () => {
  const dir = catalogsWith({ ko: ['partial {이용자 중 일부 분들의 } other {}}}', 'partial {이용자 중 일부 분들의 } other {일부 분들의 }}}'] });
  const problems = lintMessages(dir).problems;
  assert.ok(problems.some((p) => p.key === 'impact.messaging' && p.code === 'style' && /hedges/.test(p.message)), JSON.stringify(problems));
});

test('a short variant that cannot fit some combination even at the last fitting step is reported with the combination', () => {
  const dir = catalogsWith({ ko: ['{advice} {nextUpdate}에 알려드려요. 죄송합니다."\n', `{advice} {nextUpdate}에 알려드려요. ${'정말 '.repeat(12)}죄송합니다."\n`] });
  const problems = lintMessages(dir).problems.filter((p) => p.key === 'open' && p.variant === undefined);
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.ok(problems.every((p) => p.code === 'too-long' && p.file.endsWith('ko.yaml')), JSON.stringify(problems));
  assert.match(problems[0]!.message, /combination\(s\) do not fit in 280 weighted \(X\) even at the last fitting step \(with \{nextUpdate\}.*e\.g\. \w+/);
});

test('an open variant that gives up the apology or the device is reported, the short one too', () => {
  const dir = catalogsWith({ en: ["It's on us, not your {device}. {advice} Sorry.\"\n", "It's on us. {advice}\"\n"] });
  const problems = lintMessages(dir).problems.filter((p) => p.code === 'style');
  assert.deepEqual(problems.map(where), [{ file: 'en.yaml', key: 'open', variant: 6, code: 'style' }]);
  assert.match(problems[0]!.message, /does not keep the apology, that it is not the reader's device/);
});

test('lint proves every incident combination composes, in seconds', () => {
  const started = performance.now();
  const report = lintMessages(DEFAULT_MESSAGES_DIR);
  assert.deepEqual(report.problems, []);
  // 6 features × 32 platform sets × 1-6 impacts × 4 scopes, × situations, severities and networks.
  assert.ok(report.combinations > 1_000_000, String(report.combinations));
  assert.ok(performance.now() - started < 30_000, `${Math.round(performance.now() - started)} ms`);
});

test('a {phase} select that words identified but leaves explained to other is reported: with the note it would say "still looking for the cause"', () => {
  const dir = catalogsWith({ ja: ['identified {原因はわかっています。} explained {復旧作業を進めています。} other', 'identified {原因はわかっています。} other'] });
  const problems = lintMessages(dir).problems;
  assert.deepEqual(problems.map(where), [{ file: 'ja.yaml', key: 'meanwhile', variant: 1, code: 'style' }]);
  assert.match(problems[0]!.message, /explained/);
});
