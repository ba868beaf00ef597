/** Plans and how many accounts per platform each allows (null: unlimited). */
export const PLANS = ['free', 'starter', 'professional', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];

export const PLAN_LIMITS: Record<Plan, number | null> = {
  free: 1,
  starter: 3,
  professional: 10,
  enterprise: null,
};

/** A workspace this service has not seen before is on the free plan. */
export const DEFAULT_PLAN: Plan = 'free';

export function isPlan(value: unknown): value is Plan {
  return typeof value === 'string' && (PLANS as readonly string[]).includes(value);
}

export function accountLimit(plan: Plan): number | null {
  return PLAN_LIMITS[plan];
}
