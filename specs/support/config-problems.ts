import { ConfigError, parseRunConfig } from '../../helpers/harness/config/run-config.ts';
import type { Registry } from '../../helpers/harness/rows/registry.ts';
import { fixtureRegistry } from './fixture-registry.ts';

/** The one-line problems a run configuration is refused with (none when it is accepted). */
export function configProblems(env: Record<string, string | undefined>, registry: Registry = fixtureRegistry): readonly string[] {
  try {
    parseRunConfig(env, registry);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
