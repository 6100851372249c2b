import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { parse } from 'yaml';
import { spawnHerald } from './helpers/herald-process.ts';
import { deletePrefix, REDIS_URL } from './helpers/herald.ts';

const run = promisify(execFile);

interface Service {
  command?: string[];
  environment?: Record<string, string>;
  deploy?: { replicas?: number };
  ports?: string[];
}

describe('docker-compose.yml', async () => {
  const compose = parse(await readFile(new URL('../docker-compose.yml', import.meta.url), 'utf8'), { merge: true }) as { services: Record<string, Service> };
  const { redis, api, worker } = compose.services;

  it('keeps Redis on an append-only file that never evicts', () => {
    const args = redis!.command!.join(' ');
    assert.match(args, /--appendonly yes/);
    assert.match(args, /--maxmemory-policy noeviction/);
  });

  it('runs one API process and two workers on the same Redis', () => {
    assert.deepEqual(api!.command, ['--role', 'api']);
    assert.equal(api!.deploy?.replicas ?? 1, 1);
    assert.deepEqual(worker!.command, ['--role', 'worker']);
    assert.equal(worker!.deploy?.replicas, 2);
    assert.equal(api!.environment?.REDIS_URL, worker!.environment?.REDIS_URL);
  });

  it('lets Prometheus and the health check reach every worker', () => {
    assert.equal(worker!.environment?.HERALD_METRICS_PORT, '8080');
    assert.equal(worker!.ports, undefined, 'replicas publish no host port, so they cannot clash');
  });
});

/**
 * Spawns herald with a prefix and data folder of its own, hands `check` the URL it names once
 * running, then stops it with SIGTERM (which must exit 0) and removes what it wrote.
 */
async function runningHerald(role: 'worker' | undefined, options: { entry?: string[] }, check: (url: string) => Promise<void>): Promise<void> {
  const prefix = `herald-deploy-${randomUUID().slice(0, 8)}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-deploy-'));
  const herald = spawnHerald(role, { PORT: '0', REDIS_URL, HERALD_REDIS_PREFIX: prefix, HERALD_DATA_DIR: dataDir }, options);
  try {
    const { url } = await herald.waitForLine((l) => l.msg === 'herald is running', 60_000);
    await check(url as string);
    herald.kill('SIGTERM');
    assert.equal((await herald.exited).code, 0);
  } finally {
    herald.kill('SIGKILL');
    const redis = new Redis(REDIS_URL);
    await deletePrefix(redis, prefix);
    redis.disconnect();
  }
}

describe('the production build', () => {
  const root = fileURLToPath(new URL('../', import.meta.url));

  it('compiles to JavaScript that starts with plain node, no TypeScript loader, and answers /healthz', async () => {
    await run('npm', ['run', 'build'], { cwd: root });
    await runningHerald(undefined, { entry: ['dist/main.js'] }, async (url) => {
      const health = await fetch(`${url}/healthz`);
      assert.equal(health.status, 200);
    });
  });

  it('has every role answer a health check on PORT: a worker serves /healthz there when HERALD_METRICS_PORT is unset', async () => {
    await runningHerald('worker', {}, async (url) => {
      assert.equal(typeof url, 'string', 'a worker names the URL its health check answers on');
      const health = await fetch(`${url}/healthz`);
      assert.equal(health.status, 200);
      assert.equal((await fetch(`${url}/readyz`)).status, 200);
      assert.equal((await fetch(`${url}/webhooks/generic`, { method: 'POST' })).status, 404, 'a worker takes no webhooks');
      // Node's own metrics under the names stock Node.js dashboards read, not prefixed.
      const metrics = await (await fetch(`${url}/metrics`)).text();
      assert.match(metrics, /^process_cpu_seconds_total /m);
      assert.match(metrics, /^nodejs_heap_size_used_bytes /m);
      assert.doesNotMatch(metrics, /^herald_(process|nodejs)_/m);
    });
  });

  it('leaves out of the image what npm installs for development only: the Dockerfile removes every such package', async () => {
    // `npm ci --omit=dev` still installs a devDependency that a production package names as an
    // optional peer ("devOptional"), and the pinned Node.js binaries (optionalDependencies).
    const lock = JSON.parse(await readFile(new URL('../package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, { devOptional?: boolean }> };
    const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { optionalDependencies?: Record<string, string> };
    const { stdout } = await run('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root }).catch((e: { stdout: string }) => e);
    const installed = new Set(stdout.split('\n').map((line) => line.match(/node_modules\/((?:@[^/]+\/)?[^/]+)$/)?.[1]).filter(Boolean));
    const devOnly = [
      ...Object.entries(lock.packages).filter(([, p]) => p.devOptional).map(([at]) => at.replace(/^.*node_modules\//, '')),
      ...Object.keys(manifest.optionalDependencies ?? {}).filter((name) => name.startsWith('node-')),
    ].filter((name) => installed.has(name) || name.startsWith('node-'));
    assert.ok(devOnly.includes('typescript'), 'npm ls --omit=dev still lists TypeScript, so this test checks something');
    const dockerfile = await readFile(new URL('../Dockerfile', import.meta.url), 'utf8');
    const removed = [...dockerfile.matchAll(/node_modules\/(\S+)/g)].map((m) => m[1]!);
    const covered = (name: string) => removed.some((r) => r === name || (r.endsWith('*') && name.startsWith(r.slice(0, -1))) || name.startsWith(`${r}/`));
    assert.deepEqual(devOnly.filter((name) => !covered(name)), []);
    assert.ok(!covered('fastify') && !covered('bullmq'), 'the removal stays narrow');
  });

  it('is what the image runs: built in one stage, run with node dist/main.js and no devDependencies in the other', async () => {
    const dockerfile = await readFile(new URL('../Dockerfile', import.meta.url), 'utf8');
    const stages = dockerfile.split(/^FROM /m).slice(1);
    assert.equal(stages.length, 2);
    const [build, runtime] = stages as [string, string];
    assert.match(build, /RUN npm run build/);
    assert.match(runtime, /RUN npm ci --omit=dev/);
    assert.match(runtime, /COPY --from=build \/app\/dist \.\/dist/);
    assert.match(runtime, /ENTRYPOINT \["node", "dist\/main\.js"\]/);
    assert.doesNotMatch(runtime, /tsx|COPY src/);
  });
});
