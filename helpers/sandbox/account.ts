import type { ApiError } from './api-error.ts';

/**
 * The sandbox's account, as `GET /account/costs` shows it (kling-api §9a): its resource packs, and the one-call-a-
 * second limit (429/1302 when called faster). Its remaining quantities are fixed when the sandbox starts and do
 * not move as tasks spend: the real figure lags by up to 12 hours, and a check must not be built to rely on it.
 */

export interface SandboxPack {
  name: string;
  status: 'toBeOnline' | 'online' | 'expired' | 'runOut';
  total: number;
  remaining: number;
}

export const DEFAULT_PACK: SandboxPack = { name: 'Sandbox video pack', status: 'online', total: 1000, remaining: 1000 };

const DAY_MS = 86_400_000;

export function accountBook(packs: readonly SandboxPack[], startedAt: number) {
  let lastCall = Number.NEGATIVE_INFINITY;
  return {
    answer(nowMs: number): { status: number; json: unknown } | ApiError {
      const tooSoon = nowMs - lastCall < 1000;
      lastCall = nowMs;
      if (tooSoon) return { httpStatus: 429, code: 1302, message: 'requests too frequent: the account endpoint takes one call per second' };
      return {
        status: 200,
        json: {
          code: 0,
          msg: 'success',
          resource_pack_subscribe_infos: packs.map((p, i) => ({
            resource_pack_name: p.name,
            resource_pack_id: `sandbox-pack-${i + 1}`,
            resource_pack_type: 'decreasing_total',
            total_quantity: p.total,
            remaining_quantity: p.remaining,
            purchase_time: startedAt - 30 * DAY_MS,
            effective_time: startedAt - 30 * DAY_MS,
            invalid_time: startedAt + (p.status === 'expired' ? -DAY_MS : 335 * DAY_MS),
            status: p.status,
          })),
        },
      };
    },
  };
}
