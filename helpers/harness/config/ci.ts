import vendors from 'ci-info/vendors.json' with { type: 'json' };

/**
 * Is this a CI machine? Decided as the npm ecosystem decides it (ci-info, whose vendor list is read here), so a
 * live, billable run cannot start on one by accident: any `CI` value but empty, `false` or `0`, the generic build
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

/**
 * Why this environment is a CI machine (the variable that says so), or undefined when it is not. An explicit
 * `CI=false` or `CI=0` silences the generic variables only: a vendor's own variable (GITHUB_ACTIONS, …) still
 * says CI, because a billable run must not start on a CI machine that merely cleared CI for a build tool.
 */
export function ciReason(env: Env): string | undefined {
  const ci = env.CI?.trim();
  const optedOut = ci !== undefined && /^(false|0)$/i.test(ci);
  if (!optedOut) {
    if (ci !== undefined && ci !== '') return `CI=${ci}`;
    for (const name of GENERIC) if (env[name]) return `${name} is set`;
  }
  for (const vendor of vendors as Vendor[]) {
    const specs = Array.isArray(vendor.env) ? vendor.env : [vendor.env];
    const found = specs.map((spec) => matches(env, spec));
    if (found.every((f) => f !== undefined)) return `${found.join(', ')} is set (${vendor.name})`;
  }
  return undefined;
}

/** Every variable the decision reads: a test that runs a live child on a CI machine clears them all. */
export function ciVariables(): string[] {
  const names = new Set(['CI', ...GENERIC]);
  const add = (spec: VendorEnv) => {
    if (typeof spec === 'string') names.add(spec);
    else if ('includes' in spec && typeof spec.env === 'string') names.add(spec.env);
    else if ('any' in spec && Array.isArray(spec.any)) for (const n of spec.any) names.add(n);
    else for (const n of Object.keys(spec)) names.add(n);
  };
  for (const vendor of vendors as Vendor[]) for (const spec of Array.isArray(vendor.env) ? vendor.env : [vendor.env]) add(spec);
  return [...names];
}
