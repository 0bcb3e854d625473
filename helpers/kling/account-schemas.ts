import { z } from 'zod';

/**
 * The free account check, `GET /account/costs` (kling-api §9a): the resource packs an account holds, each with its
 * status and what is left of it. `remaining_quantity` lags by up to 12 hours: it can tell that no pack can pay,
 * not what a round spent.
 */

export const PACK_STATUSES = ['toBeOnline', 'online', 'expired', 'runOut'] as const;

const quantity = z.union([
  z.number(),
  z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .transform(Number),
]);

/** Only the name and the status decide anything; every other field is shown when readable and dropped when not. */
export const resourcePack = z.looseObject({
  resource_pack_name: z.string(),
  resource_pack_id: z.string().optional().catch(undefined),
  resource_pack_type: z.string().optional().catch(undefined),
  total_quantity: quantity.optional().catch(undefined),
  remaining_quantity: quantity.optional().catch(undefined),
  purchase_time: z.number().optional().catch(undefined),
  effective_time: z.number().optional().catch(undefined),
  invalid_time: z.number().optional().catch(undefined),
  // A status the docs do not list is kept as it is: it is not "online", and the check says what it saw.
  status: z.string(),
});

export const accountEnvelope = z.looseObject({
  code: z.number().int(),
  message: z.string().optional(),
  request_id: z.string().optional(),
  data: z.looseObject({
    code: z.number().int().optional(),
    msg: z.string().optional(),
    resource_pack_subscribe_infos: z.array(resourcePack),
  }),
});

export type ResourcePack = z.infer<typeof resourcePack>;
export type AccountData = z.infer<typeof accountEnvelope>['data'];
