/** A window as the API, the CLI and the console show it. Pure. */
import { accountOf } from '../incidents/accounts.ts';
import type { Incident } from '../incidents/model.ts';
import { effectiveEnd, windowState } from './window.ts';

export function maintenanceView(incident: Incident, nowMs: number) {
  const window = incident.maintenance!;
  return {
    key: incident.key,
    state: windowState(incident, nowMs),
    service: window.service,
    impacts: window.impacts,
    startsAt: window.startsAt,
    endsAt: effectiveEnd(window),
    plannedEndsAt: window.endsAt,
    announceAhead: window.announceAhead,
    tweets: incident.posts
      .filter((p) => p.status === 'posted')
      .map((p) => ({ id: p.tweetId!, account: accountOf(p), text: p.text ?? '', inReplyTo: p.inReplyTo ?? null, postedAt: p.postedAt ?? null, kind: p.notice?.kind ?? p.kind })),
    posts: incident.posts.map((p) => ({ id: p.id, account: accountOf(p), kind: p.notice?.kind ?? null, status: p.status, dueAt: p.dueAt, note: p.note ?? null })),
  };
}

export type MaintenanceView = ReturnType<typeof maintenanceView>;
