import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

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
