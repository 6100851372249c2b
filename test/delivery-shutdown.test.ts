import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spawnHerald, type HeraldProcess } from './helpers/herald-process.ts';
import { event, processEnv, startTestHerald, type TestHerald } from './helpers/herald.ts';

describe('SIGTERM to a worker process while a post is in flight', () => {
  let t: TestHerald;
  let worker: HeraldProcess;
  before(async () => {
    t = await startTestHerald({}, { role: 'api' });
    worker = spawnHerald('worker', processEnv(t, { X_TIMEOUT_MS: '5000' }));
    await worker.waitForLine((l) => l.msg === 'herald is running');
  });
  after(async () => {
    worker.kill('SIGKILL');
    await t.close();
  });

  it('lets the post finish and records it before the process exits', async () => {
    t.fakeX.failNext('delay:1500');
    const e = event();
    await t.send(e);
    await t.waitFor(async () => t.fakeX.requests.byRoute['POST /2/tweets'] === 1, 'the post to reach X');
    worker.kill('SIGTERM');

    assert.deepEqual(await worker.exited, { code: 0, signal: null });
    const incident = (await t.get(`/api/incidents/${e.key}`)).body;
    assert.equal(incident.posts[0].status, 'posted');
    assert.equal(incident.tweets[0].id, t.fakeX.posts[0]!.id);
  });
});
