import { execFileSync } from 'node:child_process';
import { cpus, freemem, totalmem, type as osType, release } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  sqlite: string;
  disk: string;
}

/** What the figures were measured on: they mean little without it. */
export function describeMachine(dataDir: string, sqliteVersion: string): Machine {
  const cpuList = cpus();
  return {
    cpu: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${osType()} ${release()}`,
    node: process.version,
    sqlite: sqliteVersion,
    disk: diskOf(dataDir),
  };
}

/** The filesystem the benchmark's files live on (fsync cost depends on it). */
function diskOf(dir: string): string {
  try {
    const out = execFileSync('df', ['-hT', dir], { encoding: 'utf8' }).trim().split('\n');
    const [device, fsType, size] = (out[out.length - 1] ?? '').split(/\s+/);
    return `${fsType ?? '?'} on ${device ?? '?'} (${size ?? '?'})`;
  } catch {
    return 'unknown';
  }
}

export function freeMemoryGiB(): number {
  return Math.round(freemem() / 2 ** 30);
}
