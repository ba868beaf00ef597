import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { holderIsGone, processInstanceId } from './process-liveness';

/** Starts fixtures/liveness-holder.ts as its own OS process; resolves with it and its id. */
async function startHolder() {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(__dirname, 'fixtures', 'liveness-holder.ts')],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let stdout = '';
  const id = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = /^id (.+)$/m.exec(stdout);
      if (line) resolve(line[1]);
    });
    child.once('exit', (code) => reject(new Error(`the holder exited early (${code})`)));
  });
  return { child, id };
}

describe('holderIsGone (process liveness on this machine, through /proc)', () => {
  it('says a live process on this machine is there, and gone once it is SIGKILLed', async () => {
    const { child, id } = await startHolder();
    try {
      expect(id).toContain(`:${child.pid}:`);
      expect(holderIsGone(id)).toBe(false);
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    expect(holderIsGone(id)).toBe(true);
  }, 30_000);

  it('never calls this process gone, but a reused pid (same pid, later start) is not the holder', () => {
    const own = processInstanceId();
    expect(holderIsGone(own)).toBe(false);
    const start = own.slice(own.lastIndexOf(':') + 1);
    const earlierLife = `${own.slice(0, own.lastIndexOf(':') + 1)}${Number(start) - 1}`;
    expect(holderIsGone(earlierLife)).toBe(true);
  });

  it('never judges what it cannot check: no mark, another machine, a malformed mark', () => {
    const own = processInstanceId();
    const mark = own.slice(own.lastIndexOf('#') + 1);
    const [, pid, start] = mark.split(':');
    expect(holderIsGone('worker-a')).toBe(false);
    expect(holderIsGone('host:123:abcd')).toBe(false);
    // A pid that surely does not run here, but on another machine (other boot or namespace).
    expect(holderIsGone(`other:1:x#0123456789abcdef:4194999:${start}`)).toBe(false);
    expect(holderIsGone(`x#${mark.split(':')[0]}:${pid}`)).toBe(false);
    expect(holderIsGone(`x#${mark.split(':')[0]}:${pid}:${start}:extra`)).toBe(false);
    expect(holderIsGone(`x#${mark.split(':')[0]}:not-a-pid:${start}`)).toBe(false);
  });
});
