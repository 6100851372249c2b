import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { PublishError } from '../src/publish/publisher.ts';
import { XPublisher } from '../src/publish/x-publisher.ts';
import type { XPublisherOptions } from '../src/publish/x-publisher.ts';
import { startFakeX } from './helpers/fake-x.ts';
import type { FakeX } from './helpers/fake-x.ts';

const credentials = { appKey: 'app-key-1234', appSecret: 'app-secret-5678', accessToken: 'access-token-9012', accessSecret: 'access-secret-3456' };

let fake: FakeX;
before(async () => {
  fake = await startFakeX({ rateLimitResetSeconds: 120, dailyResetSeconds: 3 * 3600 });
});
after(() => fake.close());
beforeEach(() => fake.reset());

function publisher(t: TestContext, options: Partial<XPublisherOptions> = {}): XPublisher {
  const p = new XPublisher({ ...credentials, baseUrl: fake.url, timeoutMs: 2000, ...options });
  t.after(() => p.close());
  return p;
}

/** The PublishError a promise rejects with; fails the test if it resolves or throws anything else. */
async function failure(promise: Promise<unknown>): Promise<PublishError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof PublishError, `expected a PublishError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}

describe('XPublisher posting', () => {
  test('a root post reaches X and comes back with the id X gave it', async (t) => {
    const posted = await publisher(t).post({ text: 'Messaging is down for some users. We are on it.' });

    assert.equal(fake.posts.length, 1);
    assert.deepEqual(fake.posts[0], { id: posted.id, text: 'Messaging is down for some users. We are on it.', at: fake.posts[0]!.at });
    assert.match(posted.id, /^\d{15,20}$/);
    assert.equal(posted.text, 'Messaging is down for some users. We are on it.');
    assert.ok(Math.abs(Date.parse(posted.postedAt) - Date.now()) < 5000);
  });

  test('a reply is threaded under the tweet it names', async (t) => {
    const x = publisher(t);
    const root = await x.post({ text: 'Login is failing.' });
    const reply = await x.post({ text: 'Login works again.', inReplyTo: root.id });

    assert.equal(fake.posts[1]!.id, reply.id);
    assert.equal(fake.posts[1]!.inReplyTo, root.id);
  });

  test('a base URL with a trailing slash still reaches X', async (t) => {
    await publisher(t, { baseUrl: `${fake.url}/` }).post({ text: 'Signup is slow.' });

    assert.equal(fake.posts.length, 1);
  });
});

describe('XPublisher failures', () => {
  test('a 429 is rate-limited until the reset X announced', async (t) => {
    fake.failNext('429');
    const error = await failure(publisher(t).post({ text: 'one' }));

    assert.equal(error.reason, 'rate-limited');
    assert.equal(error.details.status, 429);
    assert.ok(error.details.retryAt, 'retryAt is set');
    assert.ok(Math.abs(error.details.retryAt.getTime() - (Date.now() + 120_000)) < 3000, `retryAt ${error.details.retryAt.toISOString()}`);
    assert.equal(fake.posts.length, 0);
  });

  test('a spent 24-hour cap waits for the 24-hour reset, not the 15-minute one', async (t) => {
    fake.failNext('429-daily');
    const error = await failure(publisher(t).post({ text: 'one' }));

    assert.equal(error.reason, 'rate-limited');
    assert.ok(Math.abs(error.details.retryAt!.getTime() - (Date.now() + 3 * 3600_000)) < 3000);
  });

  for (const [fault, reason] of [['500', 'server-error'], ['503', 'server-error'], ['401', 'unauthorized'], ['402', 'payment-required'], ['reply-refused', 'reply-refused']] as const) {
    test(`a ${fault} from X is reported as ${reason}, with the status in the message`, async (t) => {
      fake.failNext(fault);
      const error = await failure(publisher(t).post({ text: 'one' }));

      assert.equal(error.reason, reason);
      assert.match(error.message, /HTTP (500|503|401|402|403)/);
      assert.equal(fake.posts.length, 0);
    });
  }

  test('the same text twice is refused as a duplicate, quoting X', async (t) => {
    const x = publisher(t);
    await x.post({ text: 'Notifications are delayed.' });
    const error = await failure(x.post({ text: 'Notifications are delayed.' }));

    assert.equal(error.reason, 'duplicate');
    assert.equal(error.retryable, false);
    assert.match(error.message, /403.*duplicate content/);
  });

  test('a reply to a tweet X does not know is parent-missing', async (t) => {
    const error = await failure(publisher(t).post({ text: 'Fixed.', inReplyTo: '1234567890123456789' }));

    assert.equal(error.reason, 'parent-missing');
    assert.equal(error.retryable, true);
  });

  test('a tweet created whose answer was lost is outcome-unknown, and recentPosts then finds it', async (t) => {
    const x = publisher(t);
    fake.failNext('drop-after-create');
    const error = await failure(x.post({ text: 'PC app cannot connect.' }));

    assert.equal(error.reason, 'outcome-unknown');
    assert.equal(error.outcomeUnknown, true);
    const recent = await x.recentPosts(10);
    assert.deepEqual(recent.map((p) => p.text), ['PC app cannot connect.']);
    assert.equal(recent[0]!.id, fake.posts[0]!.id);
  });

  test('a connection dropped before X created anything is outcome-unknown too, and recentPosts shows nothing', async (t) => {
    const x = publisher(t);
    fake.failNext('drop-before-create');
    const error = await failure(x.post({ text: 'PC app cannot connect.' }));

    assert.equal(error.reason, 'outcome-unknown');
    assert.deepEqual(await x.recentPosts(10), []);
  });

  test('an answer slower than timeoutMs is outcome-unknown and does not wait for it', async (t) => {
    fake.failNext('delay:1500');
    const started = Date.now();
    const error = await failure(publisher(t, { timeoutMs: 200 }).post({ text: 'slow' }));

    assert.equal(error.reason, 'outcome-unknown');
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  });

  test('nothing listening at the base URL is unreachable: provably nothing was sent', async (t) => {
    const gone = await startFakeX();
    await gone.close();
    const error = await failure(publisher(t, { baseUrl: gone.url }).post({ text: 'one' }));

    assert.equal(error.reason, 'unreachable');
    assert.match(error.message, /ECONNREFUSED/);
  });

  test('error messages never contain the credentials', async (t) => {
    const x = publisher(t);
    const messages: string[] = [];
    for (const fault of ['401', 'drop-after-create', '429'] as const) {
      fake.failNext(fault);
      messages.push((await failure(x.post({ text: `try ${fault}` }))).message);
    }

    for (const secret of Object.values(credentials)) {
      for (const message of messages) assert.ok(!message.includes(secret), `${message} leaks ${secret}`);
    }
  });
});

describe('XPublisher recentPosts', () => {
  test('recent posts come newest first, replies naming their parent', async (t) => {
    const x = publisher(t);
    const root = await x.post({ text: 'Login is failing.' });
    const reply = await x.post({ text: 'Login works again.', inReplyTo: root.id });

    assert.deepEqual(await x.recentPosts(10), [
      { id: reply.id, text: 'Login works again.', inReplyTo: root.id, createdAt: fake.posts[1]!.at.toISOString() },
      { id: root.id, text: 'Login is failing.', createdAt: fake.posts[0]!.at.toISOString() },
    ]);
  });

  test('verify asks X who herald is, and reports refused credentials as unauthorized', async (t) => {
    const x = publisher(t);
    await x.verify();
    assert.equal(fake.requests.byRoute['GET /2/users/me'], 1);

    fake.failNextRead('401');
    assert.equal((await failure(x.verify())).reason, 'unauthorized');
  });

  test('text with &, < and > reads back as written, though X escapes it', async (t) => {
    const x = publisher(t);
    const posted = await x.post({ text: 'Login & signup fail for <1% of users' });

    assert.equal(posted.text, 'Login & signup fail for <1% of users');
    assert.equal((await x.recentPosts(5))[0]!.text, 'Login & signup fail for <1% of users');
  });

  test('a limit below X minimum of 5 still returns only that many', async (t) => {
    const x = publisher(t);
    for (const n of [1, 2, 3]) await x.post({ text: `update ${n}` });

    assert.deepEqual((await x.recentPosts(2)).map((p) => p.text), ['update 3', 'update 2']);
  });

  test('the account id is asked of X once and then remembered', async (t) => {
    const x = publisher(t);
    await x.recentPosts(5);
    await x.recentPosts(5);

    assert.equal(fake.requests.byRoute['GET /2/users/me'], 1);
    assert.equal(fake.requests.byRoute['GET /2/users/:id/tweets'], 2);
  });
});

describe('XPublisher when X misbehaves', () => {
  test('a call that outlives the timeout is aborted, so X never answers a request herald gave up on', async (t) => {
    fake.failNext('delay:1500');
    const error = await failure(publisher(t, { timeoutMs: 300 }).post({ text: 'A slow answer' }));

    assert.equal(error.reason, 'outcome-unknown');
    await new Promise((r) => setTimeout(r, 1700));
    assert.ok(fake.requests.byStatus['POST /2/tweets abandoned']! >= 1, 'the fake saw the request aborted');
    assert.equal(fake.requests.byStatus['POST /2/tweets 201'], undefined);
  });

  test('a refused connection is unreachable: nothing was sent', async (t) => {
    await fake.outage('refuse');
    t.after(() => fake.outage(undefined));
    const error = await failure(publisher(t).post({ text: 'Nobody listens' }));

    assert.equal(error.reason, 'unreachable');
    assert.match(error.message, /ECONNREFUSED\); nothing was sent/);
  });

  test('a reply to a deleted tweet answered 400 "does not exist" is parent-missing', async (t) => {
    const p = publisher(t);
    const root = await p.post({ text: 'The root that will be deleted' });
    fake.deletePost(root.id, 400);
    const error = await failure(p.post({ text: 'A reply to nothing', inReplyTo: root.id }));

    assert.equal(error.reason, 'parent-missing');
    assert.equal(error.details.status, 400);
  });

  test('a reply to a deleted tweet answered 400 naming the field only in errors[].parameters is parent-missing', async (t) => {
    const p = publisher(t);
    const root = await p.post({ text: 'The root that will be deleted, named only in parameters' });
    fake.deletePost(root.id, '400-parameters');
    const error = await failure(p.post({ text: 'A reply to nothing, again', inReplyTo: root.id }));

    assert.equal(error.reason, 'parent-missing');
    assert.equal(error.details.status, 400);
  });
});

describe('XPublisher connections', () => {
  test('many posts through one publisher leave no listeners behind (no MaxListenersExceededWarning)', async (t) => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => void warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    t.after(() => process.off('warning', onWarning));
    const x = publisher(t);

    for (let i = 0; i < 15; i += 1) await x.post({ text: `Update ${i}: messaging is slow for some users.` });
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));

    assert.equal(fake.posts.length, 15);
    assert.deepEqual(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning')), []);
  });
});
