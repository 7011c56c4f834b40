/**
 * Escape attempts against the real sandboxes. Each attempt is a Python program doing what hostile
 * generated code would do; it prints what it managed, and the host is checked afterwards.
 *
 * BubblewrapSandbox holds against all of them. SubprocessSandbox (the fallback without bubblewrap)
 * holds for the environment, output, wall clock, CPU and memory; it does NOT isolate the network or
 * the filesystem, and the "documented gap" tests pin that down so the warning it prints stays honest.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BubblewrapSandbox } from '../src/code/sandbox/bubblewrap-sandbox.js';
import { probeBubblewrap } from '../src/code/sandbox/probe-bubblewrap.js';
import type { Sandbox, SandboxLimits, SandboxResult } from '../src/code/sandbox/sandbox.js';
import { SubprocessSandbox } from '../src/code/sandbox/subprocess-sandbox.js';

const probe = await probeBubblewrap();
const noBwrap = probe.available
  ? ''
  : ` (SKIPPED: ${probe.reason}; run scripts/ensure-test-packages.sh or apt-get install bubblewrap)`;

const LIMITS: SandboxLimits = {
  timeoutMs: 10_000,
  cpuSeconds: 10,
  memoryMb: 256,
  maxProcesses: 32,
  maxOutputBytes: 64 * 1024,
};

const mark = randomBytes(6).toString('hex');
const secret = `sk-canary-${mark}`;
const host = {
  dir: '',
  canaryPath: '',
  canaryText: `canary-${mark}`,
  writableDir: '',
  server: undefined as Server | undefined,
  port: 0,
  connections: 0,
  keyHolderPid: 0,
};
let keyHolder: ReturnType<typeof spawn> | undefined;

beforeAll(async () => {
  // The canary is world-readable in a world-readable dir: only the sandbox's mount namespace can hide it.
  host.dir = await mkdtemp(join(tmpdir(), 'agentmesh-escape-host-'));
  await chmod(host.dir, 0o755);
  host.canaryPath = join(host.dir, 'canary.txt');
  await writeFile(host.canaryPath, host.canaryText, { mode: 0o644 });
  host.writableDir = join(host.dir, 'writable');
  await mkdir(host.writableDir);
  await chmod(host.writableDir, 0o777);
  // The parent's environment holds an API key, and a host process started with it is running.
  process.env.OPENROUTER_API_KEY = secret;
  keyHolder = spawn('sleep', ['60'], { env: { OPENROUTER_API_KEY: secret }, stdio: 'ignore' });
  host.keyHolderPid = keyHolder.pid!;
  host.server = createServer((socket) => {
    host.connections += 1;
    socket.end('hello from the host\n');
  });
  await new Promise<void>((resolve) => host.server!.listen(0, '127.0.0.1', resolve));
  host.port = (host.server.address() as { port: number }).port;
});

afterAll(async () => {
  delete process.env.OPENROUTER_API_KEY;
  keyHolder?.kill('SIGKILL');
  host.server?.close();
  await rm(host.dir, { recursive: true, force: true });
  for (const path of hostWriteTargets()) await rm(path, { force: true });
});

function python(sandbox: Sandbox, code: string, limits: Partial<SandboxLimits> = {}): Promise<SandboxResult> {
  return sandbox.run({
    files: [{ path: `attempt_${mark}.py`, content: code }],
    command: ['python3', `attempt_${mark}.py`],
    limits: { ...LIMITS, ...limits },
  });
}

const lines = (result: SandboxResult, prefix: string) =>
  result.stdout.split('\n').filter((line) => line.startsWith(`${prefix} `));

const READ_ATTEMPT = () => `
import os
targets = [${JSON.stringify(host.canaryPath)}, "/etc/shadow", "/root/.ssh", os.path.expanduser("~/.ssh"),
           "/root", "/home", "/work", ${JSON.stringify(host.dir)}]
for target in targets:
    try:
        if os.path.isdir(target):
            print("GOT", target, os.listdir(target))
        else:
            print("GOT", target, open(target).read())
    except Exception as error:
        print("BLOCKED", target, type(error).__name__)
`;

const ENV_ATTEMPT = () => `
import glob, os
print("ENV", dict(os.environ))
paths = ["/proc/1/environ", "/proc/self/environ", f"/proc/{os.getppid()}/environ",
         "/proc/${host.keyHolderPid}/environ", "/proc/${process.pid}/environ"] + glob.glob("/proc/[0-9]*/environ")
for path in paths:
    try:
        print("PROC", path, open(path, "rb").read())
    except Exception as error:
        print("BLOCKED", path, type(error).__name__)
print("PIDS", len(glob.glob("/proc/[0-9]*")))
`;

const NETWORK_ATTEMPT = () => `
import socket
for host, port in [("127.0.0.1", ${host.port}), ("1.1.1.1", 53), ("8.8.8.8", 443)]:
    try:
        socket.create_connection((host, port), timeout=1).recv(100)
        print("CONNECTED", host)
    except Exception as error:
        print("BLOCKED", host, type(error).__name__)
try:
    print("CONNECTED dns", socket.getaddrinfo("example.com", 80)[0][4])
except Exception as error:
    print("BLOCKED dns", type(error).__name__)
`;

function hostWriteTargets(): string[] {
  return [join(host.writableDir, `pwned-${mark}`), join(tmpdir(), `pwned-${mark}`), `/pwned-${mark}`];
}

const WRITE_ATTEMPT = () => `
for path in ${JSON.stringify([...hostWriteTargets(), `/usr/pwned-${mark}`, `/etc/pwned-${mark}`])}:
    try:
        with open(path, "w") as handle:
            handle.write("pwned")
        print("WROTE", path)
    except Exception as error:
        print("BLOCKED", path, type(error).__name__)
`;

const FORK_BOMB = `
import glob, os, time
told = False
while True:
    try:
        os.fork()
    except OSError:
        if not told:
            print("REFUSED", len(glob.glob("/proc/[0-9]*")), flush=True)
            told = True
        time.sleep(0.05)
`;

const ONE_GB_OUTPUT = `
import sys
chunk = b"x" * (1024 * 1024)
for _ in range(1024):
    sys.stdout.buffer.write(chunk)
print("ALL WRITTEN")
`;

const ALLOCATE_4GB = `
import mmap
try:
    block = bytearray(4 * 1024 ** 3)
    print("ALLOCATED bytearray")
except MemoryError:
    print("REFUSED bytearray", flush=True)
try:
    shared = mmap.mmap(-1, 4 * 1024 ** 3)
    print("ALLOCATED shared mmap")
except OSError as error:
    print("REFUSED shared mmap", error.errno, flush=True)
held, total = [], 0
try:
    while total < 4 * 1024:
        held.append(bytearray(32 * 1024 * 1024))
        total += 32
except MemoryError:
    print("REFUSED after MB", total, flush=True)
`;

/** Processes on the host whose command line carries this run's mark (none may outlive a run). */
async function hostProcessesWithMark(): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(`attempt_${mark}`)) found.push(`${entry}: ${cmdline.replaceAll('\0', ' ')}`);
  }
  return found;
}

describe(`BubblewrapSandbox escape attempts${noBwrap}`, () => {
  const sandbox = probe.available
    ? new BubblewrapSandbox({ bwrapPath: probe.bwrapPath, features: probe.features })
    : undefined;
  const run = (code: string, limits?: Partial<SandboxLimits>) => python(sandbox!, code, limits);

  it.skipIf(!probe.available)(
    'cannot read ~/.ssh, /etc/shadow, /root, /home, /work or a host file by path',
    async () => {
      const result = await run(READ_ATTEMPT());
      expect(result.exitCode).toBe(0);
      expect(lines(result, 'GOT')).toEqual([]);
      expect(lines(result, 'BLOCKED')).toHaveLength(8);
      expect(result.stdout).not.toContain(host.canaryText);
      expect(await readFile(host.canaryPath, 'utf8')).toBe(host.canaryText);
    },
  );

  it.skipIf(!probe.available)(
    'sees no API key: not in its environment, not in any /proc/<pid>/environ',
    async () => {
      const result = await run(ENV_ATTEMPT());
      expect(result.exitCode).toBe(0);
      expect(result.stdout).not.toContain(secret);
      expect(result.stdout).not.toContain('OPENROUTER');
      // The key holder's environ really holds the key on the host, so the check above can fail.
      expect(await readFile(`/proc/${host.keyHolderPid}/environ`, 'utf8')).toContain(secret);
      expect(result.stdout).toMatch(new RegExp(`BLOCKED /proc/${host.keyHolderPid}/environ`));
      // A new PID namespace: only bwrap's init, python, and nothing of the host.
      expect(Number(/^PIDS (\d+)$/m.exec(result.stdout)?.[1])).toBeLessThanOrEqual(3);
    },
  );

  it.skipIf(!probe.available)('cannot open a network socket to the host or the internet', async () => {
    const before = host.connections;
    const result = await run(NETWORK_ATTEMPT());
    expect(result.exitCode).toBe(0);
    expect(lines(result, 'CONNECTED')).toEqual([]);
    expect(lines(result, 'BLOCKED')).toHaveLength(4);
    expect(host.connections).toBe(before);
  });

  it.skipIf(!probe.available)('cannot write outside the workspace: nothing appears on the host', async () => {
    const result = await run(WRITE_ATTEMPT());
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/BLOCKED \/usr\/pwned/);
    expect(result.stdout).toMatch(new RegExp(`BLOCKED ${host.writableDir}/pwned`));
    for (const path of hostWriteTargets()) expect(existsSync(path), path).toBe(false);
  });

  it.skipIf(!probe.available)('contains a fork bomb at maxProcesses and kills all of it', async () => {
    const result = await run(FORK_BOMB, { maxProcesses: 24, timeoutMs: 3_000 });
    expect(result.timedOut || result.outputTruncated).toBe(true);
    const seen = lines(result, 'REFUSED').map((line) => Number(line.split(' ')[1]));
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.max(...seen)).toBeLessThanOrEqual(24 + 1);
    expect(await hostProcessesWithMark()).toEqual([]);
    expect(spawnSync('true').status).toBe(0);
  });

  it.skipIf(!probe.available)('kills an infinite loop at the wall clock and reports it', async () => {
    const result = await run('while True:\n    pass\n', { timeoutMs: 1_000, cpuSeconds: 60 });
    expect(result).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL' });
    expect(await hostProcessesWithMark()).toEqual([]);
  });

  it.skipIf(!probe.available)(
    'stops a busy loop at the CPU limit (SIGXCPU) before the wall clock',
    async () => {
      const result = await run('while True:\n    pass\n', { timeoutMs: 30_000, cpuSeconds: 1 });
      expect(result).toMatchObject({ timedOut: false, exitCode: null, signal: 'SIGXCPU' });
    },
  );

  it.skipIf(!probe.available)('truncates 1 GB of output at maxOutputBytes and stops the run', async () => {
    const rssBefore = process.memoryUsage().rss;
    const result = await run(ONE_GB_OUTPUT);
    expect(result.outputTruncated).toBe(true);
    expect(result.timedOut).toBe(false);
    expect(Buffer.byteLength(result.stdout) + Buffer.byteLength(result.stderr)).toBeLessThanOrEqual(
      LIMITS.maxOutputBytes,
    );
    expect(result.stdout).not.toContain('ALL WRITTEN');
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 1024 * 1024);
  });

  it.skipIf(!probe.available)(
    'refuses to allocate 4 GB (MemoryError) and stops heap growth at memoryMb',
    async () => {
      const result = await run(ALLOCATE_4GB);
      expect(result.stdout).toContain('REFUSED bytearray');
      expect(result.stdout).toContain('REFUSED shared mmap');
      expect(result.stdout).not.toContain('ALLOCATED');
      expect(Number(/^REFUSED after MB (\d+)$/m.exec(result.stdout)?.[1])).toBeLessThanOrEqual(
        LIMITS.memoryMb,
      );
    },
  );
});

describe('SubprocessSandbox (fallback): what it holds, and its documented gaps', () => {
  const sandbox = new SubprocessSandbox();
  const run = (code: string, limits?: Partial<SandboxLimits>) => python(sandbox, code, limits);

  it('says in every result that isolation is weaker', async () => {
    const result = await run('print("hi")');
    expect(result.isolation).toBe('subprocess');
    expect(result.isolationWarning).toMatch(/network, filesystem and process isolation are not enforced/);
  });

  it('passes no API key in the environment', async () => {
    const result = await run('import os\nprint("ENV", dict(os.environ))\n');
    expect(result.stdout).toMatch(/^ENV /m);
    expect(result.stdout).not.toContain(secret);
    expect(result.stdout).not.toContain('OPENROUTER');
  });

  it('kills an infinite loop at the wall clock', async () => {
    const result = await run('while True:\n    pass\n', { timeoutMs: 1_000, cpuSeconds: 60 });
    expect(result).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
    expect(await hostProcessesWithMark()).toEqual([]);
  });

  it('truncates 1 GB of output at maxOutputBytes', async () => {
    const result = await run(ONE_GB_OUTPUT);
    expect(result.outputTruncated).toBe(true);
    expect(Buffer.byteLength(result.stdout) + Buffer.byteLength(result.stderr)).toBeLessThanOrEqual(
      LIMITS.maxOutputBytes,
    );
    expect(result.stdout).not.toContain('ALL WRITTEN');
  });

  it('refuses to allocate 4 GB', async () => {
    const result = await run(ALLOCATE_4GB);
    expect(result.stdout).toContain('REFUSED bytearray');
    expect(result.stdout).not.toContain('ALLOCATED');
    expect(Number(/^REFUSED after MB (\d+)$/m.exec(result.stdout)?.[1])).toBeLessThanOrEqual(LIMITS.memoryMb);
  });

  it('contains a fork bomb with RLIMIT_NPROC and kills its process group', async () => {
    const result = await run(FORK_BOMB, { maxProcesses: 24, timeoutMs: 3_000 });
    expect(result.timedOut || result.outputTruncated).toBe(true);
    expect(lines(result, 'REFUSED').length).toBeGreaterThan(0);
    expect(await hostProcessesWithMark()).toEqual([]);
  });

  it('documented gap: it can connect to the network', async () => {
    const result = await run(NETWORK_ATTEMPT());
    expect(result.stdout).toContain('CONNECTED 127.0.0.1');
  });

  it('documented gap: it can read world-readable host files and write world-writable host dirs', async () => {
    const read = await run(READ_ATTEMPT());
    expect(read.stdout).toContain(host.canaryText);
    expect(read.stdout).toMatch(/BLOCKED \/etc\/shadow/); // not readable by its user, at least
    const write = await run(WRITE_ATTEMPT());
    expect(write.stdout).toContain(`WROTE ${join(host.writableDir, `pwned-${mark}`)}`);
  });
});
