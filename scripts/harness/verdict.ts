/**
 * What the fault harness concludes from the fake X's posts and herald's records: every incident
 * must have exactly one root tweet and exactly one reply under it, and herald must have recorded
 * those very two tweets. Pure, so it is tested on its own.
 */

export interface PostOnX {
  id: string;
  text: string;
  inReplyTo?: string;
}

export interface RecordedIncident {
  tweets: { id: string; inReplyTo: string | null }[];
}

export interface Verdict {
  incidents: number;
  roots: number;
  replies: number;
  /** Tweets beyond the one root and one reply per incident. */
  duplicates: number;
  /** Incidents missing their root or their reply on X. */
  losses: number;
  /** Replies threaded under another incident's tweet, or under nothing herald posted. */
  misthreaded: number;
  /** Incidents whose record does not name exactly the tweets found on X. */
  recordMismatches: number;
  problems: string[];
}

/**
 * `incidentOf` maps a tweet's text to the incident it is about (the harness gives every incident a
 * service name of its own) or undefined for a tweet that is none of them.
 */
export function judge(keys: string[], posts: PostOnX[], records: Map<string, RecordedIncident | undefined>, incidentOf: (text: string) => string | undefined): Verdict {
  const byId = new Map(posts.map((p) => [p.id, p]));
  const problems: string[] = [];
  let duplicates = 0;
  let losses = 0;
  let misthreaded = 0;
  let recordMismatches = 0;
  let roots = 0;
  let replies = 0;

  for (const key of keys) {
    const mine = posts.filter((p) => incidentOf(p.text) === key);
    const ownRoots = mine.filter((p) => p.inReplyTo === undefined);
    const ownReplies = mine.filter((p) => p.inReplyTo !== undefined);
    roots += ownRoots.length;
    replies += ownReplies.length;
    const wrongParent = ownReplies.filter((p) => incidentOf(byId.get(p.inReplyTo!)?.text ?? '') !== key);
    misthreaded += wrongParent.length;
    const extra = Math.max(0, ownRoots.length - 1) + Math.max(0, ownReplies.length - 1);
    duplicates += extra;
    const missing = (ownRoots.length === 0 ? 1 : 0) + (ownReplies.length === 0 ? 1 : 0);
    losses += missing;
    if (extra || missing || wrongParent.length) {
      problems.push(`${key}: ${ownRoots.length} root(s), ${ownReplies.length} repl(ies)${wrongParent.length ? `, ${wrongParent.length} under another thread` : ''}`);
    }

    const recorded = records.get(key)?.tweets ?? [];
    const expected = [...ownRoots, ...ownReplies].map((p) => p.id).sort();
    const got = recorded.map((t) => t.id).sort();
    if (expected.length !== 2 || got.join() !== expected.join()) {
      recordMismatches++;
      problems.push(`${key}: herald recorded [${got.join(', ')}], X has [${expected.join(', ')}]`);
    }
  }
  return { incidents: keys.length, roots, replies, duplicates, losses, misthreaded, recordMismatches, problems };
}

export const passed = (v: Verdict): boolean => v.duplicates === 0 && v.losses === 0 && v.misthreaded === 0 && v.recordMismatches === 0;
