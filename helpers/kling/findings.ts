/** One problem (or warning) about a body, located by a readable path such as `image_list[0].image_url`. */
export interface Finding {
  path: string;
  message: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    return acc === '' ? String(key) : `${acc}.${String(key)}`;
  }, '');
}

export function describeFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.path} ${f.message}`).join('; ');
}
