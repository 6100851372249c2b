import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judge, passed, type PostOnX, type RecordedIncident } from '../scripts/harness/verdict.ts';

const incidentOf = (text: string) => /^(\w+):/.exec(text)?.[1];
const record = (...tweets: PostOnX[]): RecordedIncident => ({ tweets: tweets.map((t) => ({ id: t.id, inReplyTo: t.inReplyTo ?? null })) });
const root = (key: string, id: string): PostOnX => ({ id, text: `${key}: down` });
const reply = (key: string, id: string, parent: string): PostOnX => ({ id, text: `${key}: fixed`, inReplyTo: parent });

describe("the fault harness's verdict", () => {
  it('passes one root and one reply per incident, recorded as such', () => {
    const posts = [root('a', '1'), reply('a', '2', '1')];
    const v = judge(['a'], posts, new Map([['a', record(...posts)]]), incidentOf);
    assert.ok(passed(v), v.problems.join('; '));
  });

  it('counts a second root as a duplicate', () => {
    const posts = [root('a', '1'), root('a', '3'), reply('a', '2', '1')];
    const v = judge(['a'], posts, new Map([['a', record(posts[0]!, posts[2]!)]]), incidentOf);
    assert.equal(v.duplicates, 1);
    assert.equal(passed(v), false);
  });

  it('counts a missing reply as a loss', () => {
    const posts = [root('a', '1')];
    const v = judge(['a'], posts, new Map([['a', record(...posts)]]), incidentOf);
    assert.equal(v.losses, 1);
  });

  it("flags a reply threaded under another incident's tweet", () => {
    const posts = [root('a', '1'), root('b', '2'), reply('a', '3', '2'), reply('b', '4', '2')];
    const v = judge(['a', 'b'], posts, new Map([['a', record(posts[0]!, posts[2]!)], ['b', record(posts[1]!, posts[3]!)]]), incidentOf);
    assert.equal(v.misthreaded, 1);
  });

  it('flags a record that names another tweet than the one on X', () => {
    const posts = [root('a', '1'), reply('a', '2', '1')];
    const v = judge(['a'], posts, new Map([['a', record(posts[0]!, { id: '9', text: 'a: fixed', inReplyTo: '1' })]]), incidentOf);
    assert.equal(v.recordMismatches, 1);
  });
});
