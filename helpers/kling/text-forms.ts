/**
 * The forms a string can take and still mean the same to whoever reads it next: as written, and percent-decoded
 * (a URL may spell any character as %XX). A check for a secret looks at every form, so `%68` cannot hide an `h`.
 */

/** Each %XX decoded on its own, so a malformed sequence elsewhere does not stop the rest from decoding. */
export function percentDecoded(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_whole, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

export function textForms(text: string): string[] {
  const decoded = percentDecoded(text);
  return decoded === text ? [text] : [text, decoded];
}
