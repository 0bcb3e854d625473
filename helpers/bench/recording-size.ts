import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Figure } from './figure.ts';

/** Figure 6, recording size: the bytes of every file under the committed recordings/, against a 1 MB budget. */

export function recordingSize(): Figure {
  const bytes = readdirSync('recordings', { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .reduce((sum, d) => sum + statSync(join(d.parentPath, d.name)).size, 0);
  return {
    id: 6,
    figure: 'Recording size (committed recordings/)',
    measured: `${(bytes / 1024).toFixed(1)} KB`,
    target: '<= 1 MB',
    met: bytes <= 1024 * 1024,
    detail: { bytes },
  };
}
