import { describe, expect, it } from 'vitest';
import { classify, type Classification, type Observation } from '../../helpers/kling/classifier.ts';
import { VERDICT_TABLE, verdictFor, type PayloadProvenance } from '../../helpers/kling/verdict.ts';

/**
 * The classifier and the verdict table to the letter: the class and the reason of each branch, which input wins
 * when several are present, the edges of each code range, and the `conclusive` flag of each verdict. A class
 * that moves changes whether the round stops and whether a policy reopens.
 */

const is = (classification: Classification, reason: string) => ({ classification, reason });
const ENV = 'environment-auth-transient';

describe('Classifier | each Kling code, its class and its reason', () => {
  it.each([
    [1000, 401, is(ENV, 'authentication failed (code 1000): "m"')],
    [1004, 401, is(ENV, 'authentication failed (code 1004): "m"')],
    [1100, 429, is(ENV, 'account or billing problem (code 1100): "m"')],
    [1102, 429, is(ENV, 'account or billing problem (code 1102): "m"')],
    [1103, 403, is(ENV, 'no permission for this API or model on this account (code 1103): "m"')],
    [1200, 400, is('body-shape-mismatch', 'invalid request parameters (code 1200): "m"')],
    [1201, 400, is('body-shape-mismatch', 'the API refused a field (code 1201): "m"')],
    [1202, 404, is('harness-error', 'wrong HTTP method for the endpoint (code 1202): a harness bug: "m"')],
    [1203, 404, is('model-policy-mismatch', 'resource not found at create, read as the model (code 1203): "m"')],
    [1300, 400, is('moderation-content-risk', 'policy triggered at submit (code 1300): "m"')],
    [1301, 400, is('moderation-content-risk', 'policy triggered at submit (code 1301): "m"')],
    [1302, 429, is(ENV, 'throttled (code 1302): "m"')],
    [1303, 429, is(ENV, 'throttled (code 1303): "m"')],
    [1304, 429, is(ENV, 'IP whitelist policy (code 1304): "m"')],
    [5000, 500, is(ENV, 'server-side failure (code 5000): "m"')],
    [5002, 504, is(ENV, 'server-side failure (code 5002): "m"')],
  ])('code %i: the same answer under its usual HTTP %i, under 200 and with no status at all', (code, status, expected) => {
    // The contract decides on `code` (kling-api §6): the HTTP status beside it changes nothing.
    for (const httpStatus of [status, 200, undefined]) {
      expect(classify({ stage: 'create', httpStatus, code, message: 'm' })).toEqual(expected);
    }
  });

  it('a code without a message says nothing more', () => {
    expect(classify({ stage: 'create', httpStatus: 401, code: 1001 })).toEqual(is(ENV, 'authentication failed (code 1001)'));
    expect(classify({ stage: 'create', httpStatus: 429, code: 1303, message: '' })).toEqual(is(ENV, 'throttled (code 1303)'));
  });

  it.each([999, 1005, 1099, 1104, 1199, 1204, 1299, 1305, 4999, 5003, 9999])(
    'code %i, just outside every documented range, is no known answer: harness-error',
    (code) => {
      expect(classify({ stage: 'create', httpStatus: 400, code, message: 'm' })).toEqual(
        is('harness-error', 'nothing conclusive was observed at create'),
      );
    },
  );

  it('code 0 is no refusal: what else was seen decides', () => {
    expect(classify({ stage: 'create', httpStatus: 200, code: 0 })).toEqual(
      is('harness-error', 'nothing conclusive was observed at create'),
    );
    expect(classify({ stage: 'create', code: 0, unknownOutcome: true, message: 'x' }).reason).toBe(
      'create: outcome unknown (x); the next run looks the task up by its external_task_id before any new create',
    );
  });
});

describe('Classifier | within a code, the message decides', () => {
  it('1201: the model first, then the image, else a field', () => {
    expect(classify({ stage: 'create', code: 1201, message: 'model_name and Image pixel is invalid' })).toEqual(
      is('model-policy-mismatch', 'the API refused the model (code 1201): "model_name and Image pixel is invalid"'),
    );
    expect(classify({ stage: 'create', code: 1201, message: 'Image pixel is invalid' })).toEqual(
      is('asset-quality', 'the API refused the input image (code 1201): "Image pixel is invalid"; replace the asset'),
    );
    expect(classify({ stage: 'create', code: 1201, message: 'remodelled field duration' })).toEqual(
      is('body-shape-mismatch', 'the API refused a field (code 1201): "remodelled field duration"'),
    );
    expect(classify({ stage: 'create', code: 1201 })).toEqual(is('body-shape-mismatch', 'the API refused a field (code 1201)'));
  });

  it('1203: at create the model whatever it says; elsewhere only when it names the model', () => {
    expect(classify({ stage: 'create', code: 1203, message: 'task not found' }).classification).toBe('model-policy-mismatch');
    expect(classify({ stage: 'query', code: 1203, message: 'Model not found' })).toEqual(
      is('model-policy-mismatch', 'resource not found at create, read as the model (code 1203): "Model not found"'),
    );
    for (const stage of ['query', 'lookup', 'list', 'poll'] as const) {
      expect(classify({ stage, code: 1203, message: 'task not found' })).toEqual(
        is('harness-error', 'resource not found (code 1203): "task not found"'),
      );
    }
    expect(classify({ stage: 'query', code: 1203 })).toEqual(is('harness-error', 'resource not found (code 1203)'));
  });
});

describe('Classifier | a failed task, by its status message', () => {
  it.each([
    [
      'Failure to pass the risk control system',
      'moderation-content-risk',
      'task failed at moderation: "Failure to pass the risk control system"',
    ],
    ['Content Security check failed', 'moderation-content-risk', 'task failed at moderation: "Content Security check failed"'],
    ['content-security', 'moderation-content-risk', 'task failed at moderation: "content-security"'],
    ['contentsecurity', 'moderation-content-risk', 'task failed at moderation: "contentsecurity"'],
    ['SENSITIVE words', 'moderation-content-risk', 'task failed at moderation: "SENSITIVE words"'],
    ['blocked by moderation', 'moderation-content-risk', 'task failed at moderation: "blocked by moderation"'],
    ['Image Pixel Is Invalid', 'asset-quality', 'task failed on the input image: "Image Pixel Is Invalid"; replace the asset'],
    [
      'The resolution or aspect ratio of the input image is invalid',
      'asset-quality',
      'task failed on the input image: "The resolution or aspect ratio of the input image is invalid"; replace the asset',
    ],
    // Moderation first: a message naming both is a moderation failure.
    ['sensitive image pixel is invalid', 'moderation-content-risk', 'task failed at moderation: "sensitive image pixel is invalid"'],
    ['Model kling-v1 is retired', 'model-policy-mismatch', 'task failed on the model: "Model kling-v1 is retired"'],
    // "model" only as a word of its own.
    ['the remodelled queue was reset', ENV, 'task failed without a known reason: "the remodelled queue was reset"; inconclusive'],
    ['content  security', ENV, 'task failed without a known reason: "content  security"; inconclusive'],
    ['', ENV, 'task failed without a known reason; inconclusive'],
  ] as [string, Classification, string][])('"%s" → %s', (msg, classification, reason) => {
    expect(classify({ stage: 'query', code: 0, taskStatus: 'failed', taskStatusMsg: msg })).toEqual(is(classification, reason));
  });

  it('no status message at all is a failure without a known reason', () => {
    expect(classify({ stage: 'poll', taskStatus: 'failed' })).toEqual(is(ENV, 'task failed without a known reason; inconclusive'));
  });
});

describe('Classifier | which observation wins', () => {
  it("the task's own status comes first: succeed or failed, whatever else was seen", () => {
    const noise: Partial<Observation> = { code: 1201, message: 'model', notKling: true, network: 'timeout', unknownOutcome: true };
    expect(classify({ stage: 'query', taskStatus: 'succeed', ...noise })).toEqual(is('success', 'the task reached succeed'));
    expect(classify({ stage: 'query', taskStatus: 'succeed', noResult: false })).toEqual(is('success', 'the task reached succeed'));
    expect(classify({ stage: 'query', taskStatus: 'failed', taskStatusMsg: 'x', ...noise }).reason).toBe(
      'task failed without a known reason: "x"; inconclusive',
    );
  });

  it('a status still in progress decides nothing by itself', () => {
    expect(classify({ stage: 'poll', taskStatus: 'processing' })).toEqual(is('harness-error', 'nothing conclusive was observed at poll'));
  });

  it('then a documented code, then an unknown outcome, a non-Kling answer, the wrong task, drift, the network', () => {
    const noCode: Observation = {
      stage: 'create',
      message: 'why',
      unknownOutcome: true,
      notKling: true,
      wrongTask: true,
      responseShapeBroken: true,
      network: 'no-answer',
    };
    expect(classify({ ...noCode, code: 1301 })).toEqual(is('moderation-content-risk', 'policy triggered at submit (code 1301): "why"'));
    expect(classify(noCode)).toEqual(
      is(ENV, 'create: outcome unknown (why); the next run looks the task up by its external_task_id before any new create'),
    );
    expect(classify({ ...noCode, unknownOutcome: false })).toEqual(
      is(ENV, 'create: not a Kling answer (why); check KLING_BASE_URL and what sits in front of the API'),
    );
    expect(classify({ ...noCode, unknownOutcome: false, notKling: false })).toEqual(
      is(ENV, 'create: the answer is not about our task (why)'),
    );
    expect(classify({ ...noCode, unknownOutcome: false, notKling: false, wrongTask: false })).toEqual(
      is(ENV, 'response drift: the answer no longer matches the docs (why); stop and read the drift before any variant'),
    );
    expect(classify({ ...noCode, unknownOutcome: false, notKling: false, wrongTask: false, responseShapeBroken: false })).toEqual(
      is(ENV, 'create: no answer arrived (why)'),
    );
  });

  it('an unmapped code falls through to what else was seen', () => {
    expect(classify({ stage: 'query', httpStatus: 404, code: 404, notKling: true })).toEqual(
      is(ENV, 'query: not a Kling answer; check KLING_BASE_URL and what sits in front of the API'),
    );
  });

  it.each([429, 403, 500, 502, 422])('a bare HTTP %i from something that is not the API stops the round, and reopens nothing', (status) => {
    expect(
      classify({ stage: 'query', httpStatus: status, notKling: true, message: `HTTP ${status} with no Kling code in the body` }),
    ).toEqual(
      is(
        ENV,
        `query: not a Kling answer (HTTP ${status} with no Kling code in the body); check KLING_BASE_URL and what sits in front of the API`,
      ),
    );
  });

  it.each([
    ['not-sent', 'create: the request was never sent'],
    ['no-answer', 'create: no answer arrived'],
    ['timeout', 'create: timed out'],
  ] as const)('a network failure, %s, says which', (network, reason) => {
    expect(classify({ stage: 'create', network })).toEqual(is(ENV, reason));
    expect(classify({ stage: 'create', network, message: 'ECONNRESET at h' })).toEqual(is(ENV, `${reason} (ECONNRESET at h)`));
  });

  it('the flags without details', () => {
    expect(classify({ stage: 'create', unknownOutcome: true }).reason).toBe(
      'create: outcome unknown; the next run looks the task up by its external_task_id before any new create',
    );
    expect(classify({ stage: 'query', wrongTask: true })).toEqual(is(ENV, 'query: the answer is not about our task'));
    expect(classify({ stage: 'query', responseShapeBroken: true })).toEqual(
      is(ENV, 'response drift: the answer no longer matches the docs; stop and read the drift before any variant'),
    );
  });
});

describe('Classifier | before any request', () => {
  it('the asset floor is asset-quality and says to replace the asset; any other local check is our own fault', () => {
    expect(classify({ stage: 'preflight', preflight: 'asset', message: 'image is 299x512 px' })).toEqual(
      is('asset-quality', 'the local asset floor refused the image: image is 299x512 px; replace the asset'),
    );
    expect(classify({ stage: 'preflight', preflight: 'asset' })).toEqual(
      is('asset-quality', 'the local asset floor refused the image; replace the asset'),
    );
    expect(classify({ stage: 'preflight', preflight: 'policy', message: "'pro' needs the pro approval" })).toEqual(
      is('harness-error', "the row's own payload failed the policy check: 'pro' needs the pro approval"),
    );
    expect(classify({ stage: 'preflight', preflight: 'schema' })).toEqual(
      is('harness-error', "the row's own payload failed the schema check"),
    );
    expect(classify({ stage: 'preflight', code: 1201, taskStatus: 'succeed' })).toEqual(
      is('harness-error', "the row's own payload failed the preflight check"),
    );
  });
});

describe('Classifier | verdict table: the verdict and whether the row answered its question', () => {
  const PROVENANCES: PayloadProvenance[] = ['policy-test', 'live-confirmed', 'doc-derived'];

  it.each([
    ['success', 'tightened', 'unchanged', true],
    ['model-policy-mismatch', 'reopened', 'reopened', true],
    ['body-shape-mismatch', 'reopened', 'reopened', true],
    ['environment-auth-transient', 'unchanged', 'unchanged', false],
    ['asset-quality', 'unchanged', 'unchanged', false],
    ['moderation-content-risk', 'unchanged', 'unchanged', false],
    ['harness-error', 'unchanged', 'unchanged', false],
  ] as const)('%s: %s on a policy test, %s on a baseline, conclusive %s', (classification, policyTest, baseline, conclusive) => {
    expect(VERDICT_TABLE[classification]).toEqual({ policyTest, baseline, conclusive });
    for (const provenance of PROVENANCES) {
      expect(verdictFor(classification, provenance)).toEqual({ verdict: provenance === 'policy-test' ? policyTest : baseline, conclusive });
    }
  });
});
