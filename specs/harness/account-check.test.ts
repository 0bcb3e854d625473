import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { accountSnapshot, checkAccount, resetAccountSpacing } from '../../helpers/harness/account/account-check.ts';
import { Ledger } from '../../helpers/harness/ledger/ledger.ts';
import { hostFolder } from '../../helpers/harness/config/run-target.ts';
import { createTokenSource } from '../../helpers/kling/auth.ts';
import { KlingClient } from '../../helpers/kling/client.ts';
import type { SandboxPack } from '../../helpers/sandbox/account.ts';
import { startSandbox, type Sandbox } from '../../helpers/sandbox/server.ts';
import { workspace } from '../support/harness-env.ts';
import { liveEnv, runNode, runRows } from '../support/child-run.ts';
import { sendJson, startLoopbackServer } from '../support/loopback-server.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';

const servers = serversStoppedAfterEach();
beforeEach(() => resetAccountSpacing());

const pack = (status: SandboxPack['status'], remaining = 100): SandboxPack => ({ name: `pack ${status}`, status, total: 200, remaining });

/** A sandbox holding these packs, in place of the test's previous one. */
async function sandboxWith(packs: SandboxPack[]) {
  await servers.sandbox?.stop();
  servers.sandbox = await startSandbox({ packs, timeScale: 0.01 });
  return servers.sandbox;
}
const clientOf = (sb: Sandbox, secretKey = sb.credentials.secretKey) =>
  new KlingClient({ baseUrl: sb.url, token: createTokenSource({ ...sb.credentials, secretKey }), sleep: () => Promise.resolve() });

describe('Harness | the account check (promises §12)', () => {
  it('an online pack lets the round start; what is left is compared with the exposure, with its 12-hour lag said', async () => {
    const packs = [pack('online', 180), pack('expired', 0)];
    // Each check against a sandbox of its own: the endpoint takes one call a second.
    const fresh = async () => clientOf(await sandboxWith(packs));
    const known = await checkAccount(await fresh(), { creates: 3, units: 300 });
    expect(known).toMatchObject({
      kind: 'ok',
      snapshot: { packs: [{ name: 'pack online', status: 'online', remaining: 180, total: 200 }, { status: 'expired' }] },
      warnings: [
        'the online packs have 180 units left (the figure lags by up to 12 hours), less than this round\u2019s most of 300 units'.replace(
          '\u2019',
          "'",
        ),
      ],
    });
    resetAccountSpacing();
    expect(await checkAccount(await fresh(), { creates: 3, units: 3 })).toMatchObject({ kind: 'ok', warnings: [] });
    resetAccountSpacing();
    expect(await checkAccount(await fresh(), { creates: 3, units: undefined })).toMatchObject({
      warnings: [expect.stringContaining("the price of this round's 3 create(s) is not on record") as string],
    });
  });

  it.each([
    ['every pack expired', [pack('expired', 0)]],
    ['packs used up or not yet online', [pack('runOut', 0), pack('toBeOnline')]],
    ['no pack at all', []],
  ])('%s: the round is refused, listing the packs; the operator may override', async (_name, packs) => {
    const sb = await sandboxWith(packs);
    const check = await checkAccount(clientOf(sb), { creates: 1, units: undefined });
    expect(check).toMatchObject({ kind: 'refused', overridable: true });
    if (check.kind === 'refused') {
      expect(check.reason).toMatch(/^no resource pack is online \(/);
      for (const p of packs) expect(check.reason).toContain(`${p.name}: ${p.status}`);
    }
  });

  it('a key the API refuses stops the round, and no override lets it through', async () => {
    const sb = await sandboxWith([pack('online')]);
    expect(await checkAccount(clientOf(sb, 'not-the-secret-key'), { creates: 1, units: undefined })).toMatchObject({
      kind: 'refused',
      overridable: false,
      reason: expect.stringContaining('the API refused the key') as string,
    });
  });

  it('a gateway answering for the API is no answer: refused, overridable', async () => {
    servers.scripted = await startLoopbackServer((_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>502</h1>'));
    const client = new KlingClient({
      baseUrl: servers.scripted.url,
      token: createTokenSource({ accessKey: 'ak-gw-1', secretKey: 'sk-gw-1' }),
      sleep: () => Promise.resolve(),
    });
    expect(await checkAccount(client, { creates: 1, units: undefined })).toMatchObject({
      kind: 'refused',
      overridable: true,
      reason: expect.stringContaining('not a Kling answer') as string,
    });
  });

  it('keeps its calls a second apart, as the API asks: two snapshots in a row both answer', async () => {
    const sb = await sandboxWith([pack('online')]);
    const client = clientOf(sb);
    await accountSnapshot(client);
    await expect(accountSnapshot(client)).resolves.toMatchObject({ packs: [{ status: 'online' }] });
    expect(sb.state.calls.account).toBe(2);
  });

  it('reads a pack whose quantities come as strings, and one with a status the docs do not list', async () => {
    servers.scripted = await startLoopbackServer((_req, res) =>
      sendJson(res, 200, {
        code: 0,
        message: 'SUCCEED',
        request_id: 'r',
        data: {
          code: 0,
          msg: 'ok',
          resource_pack_subscribe_infos: [{ resource_pack_name: 'p', status: 'frozen', remaining_quantity: '12.5', total_quantity: '20' }],
        },
      }),
    );
    const client = new KlingClient({
      baseUrl: servers.scripted.url,
      token: createTokenSource({ accessKey: 'ak-str-1', secretKey: 'sk-str-1' }),
    });
    expect(await checkAccount(client, { creates: 1, units: undefined })).toMatchObject({
      kind: 'refused',
      reason: 'no resource pack is online (p: frozen, 12.5 of 20 left)',
    });
  });
});

const liveRun = (sb: Sandbox, ws: ReturnType<typeof workspace>, env: Record<string, string> = {}) =>
  runRows(liveEnv(sb, ws.reportsDir, { APPROVE_ROWS: 'B', ...env }));

describe('Harness | the account check before a live round', () => {
  it('a bad key stops the round at zero creates, in one line', async () => {
    const sb = await sandboxWith([pack('online')]);
    const refused = await liveRun(sb, workspace(), { KLING_SECRET_KEY: 'not-the-sandbox-secret' });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr.split('\n').filter((l) => l.startsWith('✗ '))).toEqual([
      expect.stringMatching(
        /^✗ account check: the API refused the key \(account: HTTP 401, code 1002.*\): fix KLING_ACCESS_KEY and KLING_SECRET_KEY; no create was sent$/,
      ) as string,
    ]);
    expect(sb.state.createsReceived).toEqual({ 'omni-video': 0, text2video: 0, image2video: 0, 'multi-image2video': 0 });
  }, 60_000);

  it('no online pack stops it too, unless ACCOUNT_CHECK_OVERRIDE says why; the override goes into the ledger', async () => {
    const sb = await sandboxWith([pack('expired', 0)]);
    const ws = workspace();
    const refused = await liveRun(sb, ws);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('✗ account check: no resource pack is online (pack expired: expired, 0 of 200 left');
    expect(refused.stderr).toContain('to run anyway: ACCOUNT_CHECK_OVERRIDE="why"');
    expect(sb.state.createsReceived.text2video).toBe(0);

    const overridden = await liveRun(sb, ws, { ACCOUNT_CHECK_OVERRIDE: 'postpaid account: billed monthly' });
    expect(overridden.status, overridden.stderr).toBe(0);
    expect(sb.state.tasksCreated.text2video).toBe(1);
    const ledger = new Ledger(join(ws.reportsDir, 'hosts', hostFolder(new URL(sb.url).host), 'ledger.jsonl'));
    expect(ledger.entries()[0]).toMatchObject({
      stage: 'account-override',
      reason: 'postpaid account: billed monthly',
      refused: expect.stringContaining('no resource pack is online') as string,
    });
    expect(overridden.stdout).toContain('Account before the round:');
    expect(overridden.stdout).toContain('Account after the round (remaining quantities lag by up to 12 hours):');
  }, 120_000);
});

describe('Harness | pnpm account', () => {
  const account = (sb: Sandbox, env: Record<string, string> = {}) =>
    runNode(['--import', 'tsx', 'helpers/harness/cli/account-cli.ts'], {
      ...process.env,
      KLING_BASE_URL: sb.url,
      KLING_ACCESS_KEY: sb.credentials.accessKey,
      KLING_SECRET_KEY: sb.credentials.secretKey,
      ...env,
    });

  it('prints the packs one line each; exit 0 with a pack online, 1 with none, 2 when the key is refused', async () => {
    const sb = await sandboxWith([pack('online', 180), pack('runOut', 0)]);
    const ok = await account(sb);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout.trim().split('\n').slice(1)).toEqual([
      expect.stringMatching(/^ {2}pack online: online, 180 of 200 left, until \d{4}-\d{2}-\d{2}$/) as string,
      expect.stringMatching(/^ {2}pack runOut: runOut, 0 of 200 left/) as string,
    ]);
    const none = await sandboxWith([pack('expired', 0)]);
    expect((await account(none)).status).toBe(1);
    const bad = await account(none, { KLING_SECRET_KEY: 'not-the-secret-key' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);
});
