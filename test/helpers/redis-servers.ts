/**
 * Private redis-server processes for tests and the fault harness: on free ports, in a temporary
 * directory, never the shared one on 6379.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisAnswers } from '../../src/redis/bootstrap.ts';

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

/** Polls `check` every 100 ms until it holds, or fails naming `what`. */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
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
  /** SIGSTOP / SIGCONT: it neither answers nor forgets, as a server stuck in a long pause. */
  pause(): void;
  resume(): void;
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
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
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
  /** SIGKILLs the master that serves `key`'s slot; returns its port. */
  killMasterOf(key: string): Promise<number>;
  /** Resolves with the port of the node serving `key`'s slot once it is a live master and the cluster is ok again. */
  promoted(key: string, timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Three masters joined with `redis-cli --cluster create`; with `replicas: 1`, each has a replica
 * and a master silent for `nodeTimeoutMs` is replaced by it.
 */
export async function startRedisCluster(options: { replicas?: 0 | 1; nodeTimeoutMs?: number } = {}): Promise<RedisCluster> {
  const replicas = options.replicas ?? 0;
  const ports = await freePorts(3 * (1 + replicas));
  const dir = mkdtempSync(join(tmpdir(), 'herald-cluster-'));
  const servers = new Map<number, RedisServer>();
  const timeout = String(options.nodeTimeoutMs ?? 5000);
  try {
    for (const port of ports) {
      servers.set(port, await startRedisServer(['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', timeout, '--appendonly', 'no'], { port, dir }));
    }
    const created = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', String(replicas), '--cluster-yes'], { encoding: 'utf8' });
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed:\n${created.stdout}\n${created.stderr}`);
    for (const port of ports) {
      await until(async () => /cluster_state:ok/.test(cli(port, 'cluster', 'info')), `cluster state ok on ${port}`);
      await until(async () => !/role:slave/.test(cli(port, 'info', 'replication')) || /master_link_status:up/.test(cli(port, 'info', 'replication')), `replica on ${port} to sync`, 30_000);
    }
  } catch (err) {
    await Promise.all([...servers.values()].map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const live = () => [...servers.keys()].filter((p) => !killed.has(p));
  const killed = new Set<number>();
  /** The port of the node `port` believes serves `key`'s slot. */
  const ownerOf = (port: number, key: string): number => {
    const slot = Number(cli(port, 'cluster', 'keyslot', key).trim());
    for (const line of cli(port, 'cluster', 'nodes').split('\n')) {
      const [, address, flags, , , , , , ...ranges] = line.split(' ');
      if (!flags?.includes('master') || flags.includes('fail')) continue;
      const owns = ranges.some((r) => {
        const [lo, hi] = r.split('-').map(Number);
        return slot >= lo! && slot <= (hi ?? lo!);
      });
      if (owns) return Number(address!.split(':')[1]!.split('@')[0]);
    }
    return 0;
  };
  const nodes = ports.map((port) => ({ host: '127.0.0.1', port }));
  return {
    nodes,
    spec: nodes.map((n) => `${n.host}:${n.port}`).join(','),
    async killMasterOf(key) {
      const port = ownerOf(live()[0]!, key);
      killed.add(port);
      await servers.get(port)!.stop();
      return port;
    },
    async promoted(key, timeoutMs = 60_000) {
      let port = 0;
      await until(async () => {
        const asked = live()[0]!;
        port = ownerOf(asked, key);
        return port !== 0 && !killed.has(port) && /cluster_state:ok/.test(cli(asked, 'cluster', 'info')) && /role:master/.test(cli(port, 'info', 'replication'));
      }, 'the cluster to promote a replica', timeoutMs);
      return port;
    },
    async stop() {
      await Promise.all([...servers.values()].map((s) => s.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Sentinel {
  port: number;
  stop(): Promise<void>;
}

export interface SentinelTimings {
  /** Sentinels that must agree the master is down (default 1). */
  quorum?: number;
  /** How long a master may be silent before a Sentinel calls it down (default 5000). */
  downAfterMs?: number;
  failoverTimeoutMs?: number;
}

/** One Sentinel watching the master on `masterPort` under `name`. */
export async function startSentinel(masterPort: number, name: string, timings: SentinelTimings = {}): Promise<Sentinel> {
  const [port] = await freePorts(1);
  const dir = mkdtempSync(join(tmpdir(), 'herald-sentinel-'));
  const conf = join(dir, 'sentinel.conf');
  const lines = [
    `port ${port}`,
    'bind 127.0.0.1',
    `dir ${dir}`,
    `sentinel monitor ${name} 127.0.0.1 ${masterPort} ${timings.quorum ?? 1}`,
    `sentinel down-after-milliseconds ${name} ${timings.downAfterMs ?? 5000}`,
    ...(timings.failoverTimeoutMs ? [`sentinel failover-timeout ${name} ${timings.failoverTimeoutMs}`] : []),
  ];
  writeFileSync(conf, `${lines.join('\n')}\n`);
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

/**
 * A TCP link to `port` that delivers what the server sends `lagMs` late, as a replica far away or
 * busy sees its master. When the server dies, what is still on the way is lost with it: that is
 * the window in which a write the master confirmed is not on the replica.
 */
async function laggingLink(port: number, lagMs: number): Promise<{ port: number; server: Server }> {
  const server = createServer((near) => {
    const far = tcpConnect(port, '127.0.0.1');
    far.on('data', (chunk) => {
      if (lagMs === 0) near.write(chunk);
      else setTimeout(() => !near.destroyed && !far.destroyed && near.write(chunk), lagMs);
    });
    near.on('data', (chunk) => far.write(chunk));
    far.on('close', () => near.destroy());
    near.on('close', () => far.destroy());
    far.on('error', () => near.destroy());
    near.on('error', () => far.destroy());
  });
  const [linkPort] = await freePorts(1);
  await new Promise<void>((resolve) => server.listen(linkPort, '127.0.0.1', resolve));
  return { port: linkPort!, server };
}

/** A replica of the server on `masterPort`, once it has synced. */
export async function startReplicaOf(masterPort: number, args: string[] = []): Promise<RedisServer> {
  const replica = await startRedisServer([...args, '--replicaof', '127.0.0.1', String(masterPort)]);
  await until(async () => /master_link_status:up/.test(cli(replica.port, 'info', 'replication')), 'the replica to sync');
  return replica;
}

const cli = (port: number, ...args: string[]): string => spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout ?? '';

export interface ReplicatedRedis {
  master: RedisServer;
  replica: RedisServer;
  sentinels: Sentinel[];
  name: string;
  /** `REDIS_SENTINELS` for herald. */
  sentinelSpec: string;
  /** SIGKILLs the master; it stays dead. */
  killMaster(): Promise<void>;
  /** Resolves with the port Sentinel names as master once it is no longer the killed one and answers as master. */
  promoted(timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

/**
 * A master, one replica and three Sentinels (quorum 2) on free ports, with short failover timings:
 * the master is called down after `downAfterMs` of silence and the replica is promoted.
 */
export async function startReplicatedRedis(options: { downAfterMs?: number; replicationLagMs?: number } = {}): Promise<ReplicatedRedis> {
  const name = 'herald-failover';
  const args = ['--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction'];
  const master = await startRedisServer(args);
  const link = await laggingLink(master.port, options.replicationLagMs ?? 0);
  const replica = await startReplicaOf(link.port, args);
  const timings = { quorum: 2, downAfterMs: options.downAfterMs ?? 1000, failoverTimeoutMs: 5000 };
  const sentinels = [await startSentinel(master.port, name, timings), await startSentinel(master.port, name, timings), await startSentinel(master.port, name, timings)];
  // Each Sentinel must have found the replica and the other Sentinels before a failover can happen.
  for (const s of sentinels) {
    await until(async () => {
      const info = cli(s.port, 'sentinel', 'master', name);
      return /\bnum-slaves\n1\b/.test(info) && /\bnum-other-sentinels\n2\b/.test(info);
    }, `sentinel ${s.port} to know the replica and its peers`, 30_000);
  }
  return {
    master,
    replica,
    sentinels,
    name,
    sentinelSpec: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
    killMaster: () => master.stop(),
    async promoted(timeoutMs = 60_000) {
      let port = master.port;
      await until(async () => {
        port = Number(cli(sentinels[0]!.port, 'sentinel', 'get-master-addr-by-name', name).split('\n')[1]);
        return port !== master.port && /role:master/.test(cli(port, 'info', 'replication'));
      }, 'Sentinel to promote the replica', timeoutMs);
      return port;
    },
    async stop() {
      link.server.close();
      await Promise.all([...sentinels.map((s) => s.stop()), replica.stop(), master.stop()]);
    },
  };
}
