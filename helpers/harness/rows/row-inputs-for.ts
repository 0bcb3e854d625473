import type { CassetteMeta } from '../cassettes/cassette-meta.ts';
import { ConfigError } from '../config/run-config.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { RegistryRow } from './registry.ts';
import type { RowEnvironment } from './row-environment.ts';
import { resolveRowInputs, type ResolvedInputs } from './row-inputs.ts';
import { ReplayDriftError } from './replay-proofs.ts';

/**
 * The inputs a row runs with: in replay, those its recording was made with (so today's payload can be compared
 * with the recorded one); otherwise the ones the run's configuration resolved before any request, or, for a
 * configuration made in code, resolved now by the same rules.
 */
export function rowInputsFor(
  row: RegistryRow,
  env: Pick<RowEnvironment, 'config' | 'env'>,
  meta: CassetteMeta | undefined,
  ledger: Ledger | undefined,
): ResolvedInputs {
  const names = Object.keys(row.inputs ?? {});
  if (names.length === 0) return { values: {}, sources: {} };
  const { config } = env;
  if (config.mode === 'replay') {
    const recorded = meta?.inputs ?? {};
    const missing = names.filter((n) => recorded[n] === undefined);
    if (missing.length > 0)
      throw new ReplayDriftError(
        `row ${row.id}: its recording's meta.json has no ${missing.join(', ')}: record it again (pnpm recordings:rerecord)`,
      );
    return { values: recorded, sources: Object.fromEntries(names.map((n) => [n, 'the recording'])) };
  }
  const given = config.inputs?.[row.id];
  if (given !== undefined) return given;
  const { resolved, problems } = resolveRowInputs(row, {
    mode: config.mode,
    env: env.env ?? process.env,
    ...(ledger ? { ledgerEntries: ledger.entries() } : {}),
  });
  if (resolved === undefined) throw new ConfigError(problems);
  return resolved;
}
