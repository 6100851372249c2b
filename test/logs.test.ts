import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { logMixin, withLogContext } from '../src/ops/log-context.ts';
import { event, settled, startTestHerald, type TestHerald } from './helpers/herald.ts';

describe('structured logs', () => {
  let t: TestHerald;
  const lines: Record<string, unknown>[] = [];
  before(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    t = await startTestHerald({}, { logger: pino({ level: 'debug', mixin: logMixin }, sink) });
  });
  after(async () => t.close());

  it('carries the incident key on every line about one of its posts, the publisher\'s too', async () => {
    const e = event();
    await t.send(e);
    await t.fakeX.waitForPosts(1);
    await t.send({ ...e, status: 'resolved' });
    await t.fakeX.waitForPosts(2);
    await settled(t);
    const aboutPosts = lines.filter((l) => 'tweetId' in l || 'tweet' in l || 'post' in l);
    assert.ok(aboutPosts.some((l) => l.msg === 'posted to X'), 'the publisher logged its posts');
    assert.deepEqual(aboutPosts.filter((l) => l.incident !== e.key).map((l) => l.msg), []);
  });

  it('writes each key once per line even where a child logger binds it', () => {
    const raw: string[] = [];
    const logger = pino({ mixin: logMixin }, new Writable({ write: (c, _e, done) => (raw.push(String(c)), done()) }));
    withLogContext({ incident: 'k-1', post: 'open' }, () => logger.child({ incident: 'k-1' }).info('hello'));
    assert.equal(raw[0]!.match(/"incident"/g)?.length, 1);
    assert.match(raw[0]!, /"post":"open"/);
  });
});
