/**
 * The golden threads: every scenario of `test/fixtures/scenarios/` rendered whole in every locale,
 * as `herald preview --thread` would with the default follow-up schedule. `test/thread-golden.test.ts`
 * pins them; `scripts/messages-examples.ts` writes docs/messages-examples.md from them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MESSAGES_DIR, loadCatalog } from '../../src/compose/catalog.ts';
import { scenarioEvents, scenarioSchema } from '../../src/compose/preview.ts';
import { renderThread, type ThreadTweet } from '../../src/compose/thread-preview.ts';
import { DEFAULT_FOLLOW_UPS } from '../../src/incidents/follow-up-schedule.ts';

const SCENARIOS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'scenarios');
export const SERVICE: Record<string, string> = { ko: '카카오톡', en: 'KakaoTalk', ja: 'カカオトーク' };
export const LOCALES = ['ko', 'en', 'ja'];
export const TIMEZONE = 'Asia/Seoul';
export const SETTINGS = { rules: { graceMs: 120_000, reopenWindowMs: 3_600_000 }, followUps: DEFAULT_FOLLOW_UPS };

/** Each golden scenario with what a reader of docs/messages-examples.md is told it is. */
export const GOLDEN_SCENARIOS: ReadonlyArray<{ name: string; title: string }> = [
  { name: 'midnight-messages', title: 'Messages delayed at midnight, 0:00–0:28 (everyone; critical; nothing lost)' },
  { name: 'messages-and-pc-login', title: 'Messages delayed 16:54–17:48, and PC login failing in the same outage (cause found at 17:20)' },
  { name: 'signup', title: 'Sign-up failing 10:12–11:05 (everyone; nothing lost)' },
  { name: 'iphone-notifications', title: 'Some iPhone users not getting notifications 21:30–23:05 (cause found, fix watched)' },
  { name: 'five-hours', title: 'A five-hour messaging outage with every phase (critical; messages may have been lost)' },
  { name: 'three-impacts-critical', title: 'Three impacts at once, critical, everyone (the fitting order names them as a shorter list)' },
  { name: 'login-25-hours', title: 'Login down for 25 hours, overnight, every phase (critical; an update with no news at 21:08 posts nothing)' },
  { name: 'login-25-hours-note', title: 'The same 25-hour outage, with a public note staff set at 4:10 (the cause, in their words): later follow-ups and the resolution carry it' },
  { name: 'pc-login', title: 'PC and Mac login failing 12:10–13:25 (PC only: "not your computer")' },
  { name: 'android-partial', title: 'Some Android users\' messages delayed 8:20–9:30 (partial; fix watched)' },
  { name: 'reopened', title: 'Messages delayed 14:00–14:35, back at 14:45, fixed at 15:30 (a reopening)' },
  { name: 'messages-possible-loss', title: 'Messages delayed 19:05–19:50 (critical; some messages may be lost)' },
  { name: 'messages-unknown-loss', title: 'Messages delayed 10:15–10:52 (nobody knows yet whether anything was lost)' },
  { name: 'notifications-minor', title: 'Notifications late 15:00–15:40, minor' },
  { name: 'notifications-critical', title: 'The same outage, critical (the tone changes)' },
];

/** The thread of scenario `name` in `locale`, the service named as that locale's followers know it (catalogs from `messagesDir`). */
export function threadFor(name: string, locale: string, messagesDir = DEFAULT_MESSAGES_DIR, service = SERVICE[locale]): ThreadTweet[] {
  const raw = JSON.parse(readFileSync(path.join(SCENARIOS, `${name}.json`), 'utf8')) as Array<Record<string, unknown>>;
  // Monitoring's events name the service as each locale's followers know it; people's changes (`set`) name none.
  const events = scenarioEvents(scenarioSchema.parse(raw.map((e) => ('set' in e ? e : { ...e, service }))));
  return renderThread(loadCatalog(messagesDir, locale), events, { locale, timezone: TIMEZONE }, SETTINGS);
}
