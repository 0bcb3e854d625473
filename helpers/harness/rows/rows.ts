import type { Family } from '../../kling/families.ts';

/**
 * The matrix, one entry per row, in the plan's execution order (A → B → C → D). Every name a row has (its spec
 * file, its recordings folder, its test title, its external_task_id) is derived from its id and slug here.
 */

export type RowId = 'A' | 'B' | 'C' | 'D' | 'R';

export interface RowEntry {
  id: RowId;
  slug: string;
  family: Family;
  title: string;
  /** In the default round (the plan's minimum approved set). */
  defaultRound: boolean;
  /** May ever make a create: R is a transcription of a past run and replays only. */
  liveAllowed: boolean;
}

export const ROWS: readonly RowEntry[] = [
  {
    id: 'A',
    slug: 'omni-first-frame',
    family: 'omni-video',
    title: 'Omni — first-frame anchored baseline',
    defaultRound: true,
    liveAllowed: true,
  },
  {
    id: 'B',
    slug: 'text2video-no-model',
    family: 'text2video',
    title: 'text2video — scaffold-policy verification',
    defaultRound: true,
    liveAllowed: true,
  },
  {
    id: 'C',
    slug: 'image2video-no-model',
    family: 'image2video',
    title: 'image2video — scaffold-policy + asset-floor verification',
    defaultRound: true,
    liveAllowed: true,
  },
  {
    id: 'D',
    slug: 'multi-image2video-legacy',
    family: 'multi-image2video',
    title: 'multi-image2video — legacy-route analysis',
    defaultRound: false,
    liveAllowed: true,
  },
  {
    id: 'R',
    slug: 'omni-risk-control-preserved',
    family: 'omni-video',
    title: 'Omni — preserved risk-control boundary case',
    defaultRound: false,
    liveAllowed: false,
  },
];

export const ROW_IDS: readonly RowId[] = ROWS.map((r) => r.id);
export const DEFAULT_ROUND: readonly RowId[] = ROWS.filter((r) => r.defaultRound).map((r) => r.id);

export function rowEntry(id: RowId): RowEntry {
  const entry = ROWS.find((r) => r.id === id);
  if (entry === undefined) throw new Error(`no row ${id} in the registry`);
  return entry;
}

export function isRowId(value: string): value is RowId {
  return (ROW_IDS as readonly string[]).includes(value);
}

/** `A-omni-first-frame`: the spec file's stem and the recordings folder's name. */
export function rowName(entry: RowEntry): string {
  return `${entry.id}-${entry.slug}`;
}
