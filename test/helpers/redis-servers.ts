/**
 * Private redis-server processes for tests and the fault harness: on free ports, in a temporary
 * directory, never the shared one on 6379.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisAnswers } from '../../src/ops/redis-bootstrap.ts';

export const hasCommand = (name: string): boolean => spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `count` consecutive free ports whose cluster bus ports (+10000) are free too. */
export async function freePorts(count: number): Promise<number[]> {
  for (let tries = 0; tries < 50; tries++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const ports = Array.from({ length: count }, (_, i) => base + i);
    const free = await Promise.all(ports.flatMap((p) => [portFree(p), portFree(p + 10_000)]));
    if (free.every(Boolean)) return ports;
  }
  throw new Error('no free ports found for a private redis-server');
}

export const answers = (port: number): Promise<boolean> => redisAnswers(`redis://127.0.0.1:${port}`);

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** Kills it (SIGKILL, no chance to write anything more) and starts it again on the same files. */
  crashAndRestart(): Promise<void>;
  /** Kills it and starts it again with its files gone: a Redis that forgot everything. */
  restartEmpty(): Promise<void>;
  stop(): Promise<void>;
}

/** One redis-server on a free port with `args` (e.g. `--appendonly yes`), data in its own directory. */
export async function startRedisServer(args: string[] = [], options: { port?: number; dir?: string } = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePorts(1))[0]!;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), `herald-redis-${port}-`));
  let child: ChildProcess;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...args], { stdio: 'ignore' });
    await until(() => answers(port), `redis-server on port ${port}`);
  };
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    async crashAndRestart() {
      await kill('SIGKILL');
      await start();
    },
    async restartEmpty() {
      await kill('SIGKILL');
      for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true });
      await start();
    },
    async stop() {
      await kill('SIGKILL');
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RedisCluster {
  nodes: { host: string; port: number }[];
  /** `REDIS_CLUSTER_NODES` for herald. */
  spec: string;
  stop(): Promise<void>;
}

/** Three masters, no replicas, joined with `redis-cli --cluster create`. */
export async function startRedisCluster(): Promise<RedisCluster> {
  const ports = await freePorts(3);
  const dir = mkdtempSync(join(tmpdir(), 'herald-cluster-'));
  const servers: RedisServer[] = [];
  try {
    for (const port of ports) {
      servers.push(await startRedisServer(['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '5000', '--appendonly', 'no'], { port, dir }));
    }
    const created = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed:\n${created.stdout}\n${created.stderr}`);
    for (const port of ports) {
      await until(async () => /cluster_state:ok/.test(spawnSync('redis-cli', ['-p', String(port), 'cluster', 'info'], { encoding: 'utf8' }).stdout), `cluster state ok on ${port}`);
    }
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const nodes = ports.map((port) => ({ host: '127.0.0.1', port }));
  return {
    nodes,
    spec: nodes.map((n) => `${n.host}:${n.port}`).join(','),
    async stop() {
      await Promise.all(servers.map((s) => s.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Sentinel {
  port: number;
  stop(): Promise<void>;
}

/** One Sentinel (quorum 1) watching the master on `masterPort` under `name`. */
export async function startSentinel(masterPort: number, name: string): Promise<Sentinel> {
  const [port] = await freePorts(1);
  const dir = mkdtempSync(join(tmpdir(), 'herald-sentinel-'));
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(conf, `port ${port}\nbind 127.0.0.1\ndir ${dir}\nsentinel monitor ${name} 127.0.0.1 ${masterPort} 1\nsentinel down-after-milliseconds ${name} 5000\n`);
  const child = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
  await until(() => answers(port!), `sentinel on port ${port}`);
  return {
    port: port!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
