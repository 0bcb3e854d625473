import vendors from 'ci-info/vendors.json' with { type: 'json' };

/**
 * Is this a CI machine? Decided as the npm ecosystem decides it (ci-info, whose vendor list is read here), so a
 * live, billable run cannot start on one by accident: any `CI` value but an explicit opt-out, the generic build
 * variables, and each vendor's own variable (GITHUB_ACTIONS, GITLAB_CI, TF_BUILD, …). Evaluated on the
 * environment it is given rather than on ci-info's import-time snapshot, so each run's own environment decides.
 */

type VendorEnv = string | { env: string; includes: string } | { any: string[] } | Record<string, string>;
interface Vendor {
  name: string;
  env: VendorEnv | VendorEnv[];
}

/** ci-info's generic variables: set by Jenkins, TeamCity, AppVeyor, Travis, Codeship, TaskCluster and others. */
const GENERIC = ['BUILD_ID', 'BUILD_NUMBER', 'CI_APP_ID', 'CI_BUILD_ID', 'CI_BUILD_NUMBER', 'CI_NAME', 'CONTINUOUS_INTEGRATION', 'RUN_ID'];

type Env = Record<string, string | undefined>;

function matches(env: Env, spec: VendorEnv): string | undefined {
  if (typeof spec === 'string') return env[spec] ? spec : undefined;
  if ('includes' in spec && typeof spec.includes === 'string') {
    const name = spec.env;
    return typeof name === 'string' && env[name]?.includes(spec.includes) ? name : undefined;
  }
  if ('any' in spec && Array.isArray(spec.any)) return spec.any.find((name) => env[name]);
  const pairs = Object.entries(spec as Record<string, string>);
  return pairs.every(([k, v]) => env[k] === v) ? pairs.map(([k]) => k).join('+') : undefined;
}

/** Why this environment is a CI machine (the variable that says so), or undefined when it is not. */
export function ciReason(env: Env): string | undefined {
  const ci = env.CI?.trim();
  // An explicit CI=false (or 0) is how a person says "not CI"; ci-info honours it the same way.
  if (ci !== undefined && /^(false|0)$/i.test(ci)) return undefined;
  if (ci !== undefined && ci !== '') return `CI=${ci}`;
  for (const name of GENERIC) if (env[name]) return `${name} is set`;
  for (const vendor of vendors as Vendor[]) {
    const specs = Array.isArray(vendor.env) ? vendor.env : [vendor.env];
    const found = specs.map((spec) => matches(env, spec));
    if (found.every((f) => f !== undefined)) return `${found.join(', ')} is set (${vendor.name})`;
  }
  return undefined;
}
