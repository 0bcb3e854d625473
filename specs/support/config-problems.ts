import { ConfigError, parseRunConfig } from '../../helpers/harness/config/run-config.ts';

/** The one-line problems a run configuration is refused with (none when it is accepted). */
export function configProblems(env: Record<string, string | undefined>): readonly string[] {
  try {
    parseRunConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
