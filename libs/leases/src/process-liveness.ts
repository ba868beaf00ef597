import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who holds a lease or an in-flight Idempotency-Key, told apart well enough that a process on
 * the same machine can see the holder died (SIGKILL, OOM kill) and take over at once instead
 * of waiting for the holder's expiry (docs/decisions/0012-crash-recovery-takeover.md).
 *
 * An instance id reads `host:pid:random#machine:pid:start`. The part after `#` is the
 * liveness mark: `machine` hashes the host name, the kernel's boot id and this process's pid
 * namespace, so a pid is only ever looked up where it means the same process (not in another
 * container, not after a reboot); `start` is the process's start time in clock ticks since
 * boot (/proc/<pid>/stat), so a reused pid is not mistaken for the holder. Without /proc
 * (not Linux) there is no mark, and nobody ever judges such a holder gone: it expires.
 */
const MARK = '#';

interface Mark {
  machine: string;
  pid: number;
  start: string;
}

interface ProcessStat {
  start: string;
  /** Killed but not yet reaped by its parent: it runs nothing any more. */
  zombie: boolean;
}

let ownMark: Mark | null | undefined;

/** This process's liveness mark, or null where /proc cannot tell (computed once). */
function thisProcessMark(): Mark | null {
  if (ownMark !== undefined) return ownMark;
  const machine = machineKey();
  const stat = machine ? statOf(process.pid) : undefined;
  ownMark = machine && stat ? { machine, pid: process.pid, start: stat.start } : null;
  return ownMark;
}

/** A new id for this process (each keeper or interceptor takes its own): see the file comment. */
export function processInstanceId(): string {
  const human = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const mark = thisProcessMark();
  return mark ? `${human}${MARK}${mark.machine}:${mark.pid}:${mark.start}` : human;
}

/**
 * True only when `holder` is an instance id of a process on this machine that no longer runs
 * (no such pid, a zombie, or the pid now belongs to a process started later). Anything this
 * cannot be sure of (another machine, no mark, a pid it may not inspect) is not gone: the
 * holder's lease then runs out on its own. Never true for this very process.
 */
export function holderIsGone(holder: string): boolean {
  const mark = parseMark(holder);
  const own = thisProcessMark();
  if (!mark || !own || mark.machine !== own.machine) return false;
  if (mark.pid === own.pid) return mark.start !== own.start;
  if (!pidExists(mark.pid)) return true;
  const stat = statOf(mark.pid);
  // Exists but unreadable (e.g. /proc mounted hidepid): cannot tell, so not gone.
  if (!stat) return false;
  return stat.zombie || stat.start !== mark.start;
}

function parseMark(holder: string): Mark | null {
  const at = holder.lastIndexOf(MARK);
  if (at < 0) return null;
  const [machine, pid, start, ...rest] = holder.slice(at + 1).split(':');
  if (rest.length > 0 || !machine || !/^\d+$/.test(pid ?? '') || !/^\d+$/.test(start ?? '')) {
    return null;
  }
  return { machine, pid: Number(pid), start };
}

function machineKey(): string | undefined {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const pidNamespace = readlinkSync('/proc/self/ns/pid');
    return createHash('sha256')
      .update(`${hostname()}\u0000${boot}\u0000${pidNamespace}`)
      .digest('hex')
      .slice(0, 16);
  } catch {
    return undefined;
  }
}

/** Signal 0 checks existence: ESRCH is gone; EPERM is someone else's live process. */
function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function statOf(pid: number): ProcessStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = fields[0];
    const start = fields[19]; // field 22, starttime
    if (!start || !/^\d+$/.test(start)) return undefined;
    return { start, zombie: state === 'Z' || state === 'X' };
  } catch {
    return undefined;
  }
}
