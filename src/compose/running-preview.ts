/**
 * The preview the console shows for a running incident: the thread as posted or planned so far,
 * then what herald would say next (the follow-up due now) and how it would end (the resolution if
 * it were resolved now). Pure; the same composer as the delivery worker, on the caller's clock.
 */
import { accountOf, DEFAULT_ACCOUNT } from '../incidents/accounts.ts';
import type { FollowUpSchedule } from '../incidents/follow-up-schedule.ts';
import type { Incident } from '../incidents/model.ts';
import { newPost, threadRoot } from '../incidents/rules.ts';
import type { Catalog } from './catalog.ts';
import type { ComposeOptions } from './compose.ts';
import { composeIncidentPost } from './for-incident.ts';
import { weightedLength } from './tweet-length.ts';

export interface RunningPreviewTweet {
  /** `posted`, `planned` (waiting or a draft), `next follow-up`, `if resolved now`. */
  status: string;
  kind: string;
  text: string;
  weightedLength: number;
}

export function runningPreview(catalog: Catalog, options: ComposeOptions, incident: Incident, nowMs: number, followUps: FollowUpSchedule): RunningPreviewTweet[] {
  const out: RunningPreviewTweet[] = incident.posts
    .filter((p) => accountOf(p) === DEFAULT_ACCOUNT && p.status !== 'cancelled' && p.status !== 'failed')
    .map((p) => {
      const text = p.text ?? composeIncidentPost(catalog, options, incident, p, nowMs, followUps).text;
      return { status: p.status === 'posted' ? 'posted' : 'planned', kind: p.kind, text, weightedLength: weightedLength(text) };
    });
  if (incident.state !== 'open' || !threadRoot(incident)) return out;
  const now = new Date(nowMs).toISOString();
  const next = composeIncidentPost(catalog, options, incident, newPost(incident, 'update', now), nowMs, followUps);
  out.push({ status: 'next follow-up', kind: 'update', text: next.text, weightedLength: next.weightedLength });
  const ended: Incident = { ...incident, state: 'resolved', resolvedAt: now };
  const resolution = composeIncidentPost(catalog, options, ended, newPost(ended, 'resolved', now), nowMs, followUps);
  out.push({ status: 'if resolved now', kind: 'resolved', text: resolution.text, weightedLength: resolution.weightedLength });
  return out;
}
