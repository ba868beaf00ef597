const UNITS_MS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `7d`, `24h`, `30m`, `2w` → milliseconds; null when malformed. */
export function parseDuration(value: string): number | null {
  const match = /^(\d{1,5})([mhdw])$/.exec(value);
  return match ? Number(match[1]) * UNITS_MS[match[2]] : null;
}

export const DURATION_PATTERN = /^\d{1,5}[mhdw]$/;
