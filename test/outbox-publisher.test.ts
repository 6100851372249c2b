import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import pino from 'pino';
import { OutboxPublisher, readOutbox } from '../src/publish/outbox-publisher.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'herald-outbox-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

test('each post is appended as one JSON line, creating the directory', async () => {
  const path = join(dir, 'nested', 'outbox.jsonl');
  const posted = await new OutboxPublisher({ path }).post({ text: 'Messaging is down.' });

  const lines = (await readFile(path, 'utf8')).split('\n');
  assert.equal(lines.length, 2, 'one line and the final newline');
  assert.deepEqual(JSON.parse(lines[0]!), { id: posted.id, text: 'Messaging is down.', inReplyTo: null, postedAt: posted.postedAt });
});

test('ids are unique, free of colons and sort in posting order, even across instances', async () => {
  const path = join(dir, 'outbox.jsonl');
  const ids: string[] = [];
  for (let i = 0; i < 50; i++) ids.push((await new OutboxPublisher({ path }).post({ text: `update ${i}` })).id);

  assert.equal(new Set(ids).size, 50);
  for (const id of ids) assert.match(id, /^dry-[0-9a-z]+-[0-9a-f]+$/);
  assert.deepEqual(ids.map((id) => id.split('-')[1]), ids.map((id) => id.split('-')[1]).sort());
});

test('a reply records the id it is threaded under', async () => {
  const path = join(dir, 'outbox.jsonl');
  const outbox = new OutboxPublisher({ path });
  const root = await outbox.post({ text: 'Login is failing.' });
  const reply = await outbox.post({ text: 'Login works again.', inReplyTo: root.id });

  const entries = await readOutbox(path);
  assert.deepEqual(entries.map((e) => [e.id, e.inReplyTo]), [[root.id, null], [reply.id, root.id]]);
});

test('recentPosts reads the file back newest first, up to the limit', async () => {
  const outbox = new OutboxPublisher({ path: join(dir, 'outbox.jsonl') });
  const root = await outbox.post({ text: 'one' });
  const reply = await outbox.post({ text: 'two', inReplyTo: root.id });
  const third = await outbox.post({ text: 'three' });

  assert.deepEqual(await outbox.recentPosts(2), [
    { id: third.id, text: 'three', createdAt: third.postedAt },
    { id: reply.id, text: 'two', inReplyTo: root.id, createdAt: reply.postedAt },
  ]);
});

test('concurrent posts all land as whole lines', async () => {
  const path = join(dir, 'outbox.jsonl');
  const writers = [new OutboxPublisher({ path }), new OutboxPublisher({ path })];
  const long = 'x'.repeat(2000);
  await Promise.all(Array.from({ length: 100 }, (_, i) => writers[i % 2]!.post({ text: `${i} ${long}` })));

  const entries = await readOutbox(path);
  assert.equal(entries.length, 100);
  assert.equal(new Set(entries.map((e) => e.text)).size, 100);
});

test('a missing outbox reads as empty', async () => {
  const outbox = new OutboxPublisher({ path: join(dir, 'never-written.jsonl') });

  assert.deepEqual(await readOutbox(outbox.path), []);
  assert.deepEqual(await outbox.recentPosts(10), []);
});

test('a torn last line from a killed writer is skipped, not fatal', async () => {
  const path = join(dir, 'outbox.jsonl');
  const good = { id: 'dry-1-a', text: 'ok', inReplyTo: null, postedAt: '2026-03-01T12:00:00.000Z' };
  await writeFile(path, `${JSON.stringify(good)}\n{"id":"dry-2-b","te`);

  assert.deepEqual(await readOutbox(path), [good]);
});

test('each post is logged at info with its text', async () => {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  await new OutboxPublisher({ path: join(dir, 'outbox.jsonl'), logger }).post({ text: 'Signup is slow.' });

  const record = JSON.parse(lines[0]!);
  assert.equal(record.level, 30);
  assert.equal(record.text, 'Signup is slow.');
  assert.equal(record.publisher, 'dry-run');
});
