import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  canonicalHeaderValues,
  parseAuthorization,
  sha256,
  SignatureError,
  verifySignature,
  type SignableRequest,
} from '../../local/account/sigv4.js';

/**
 * AWS's published SigV4 test suite (as aws-c-auth keeps it, see the fixture's `source`): every
 * signed request in it, header and presigned form, must pass the account's verifier, and must
 * stop passing when one byte of its signature or one signed header changes. The vectors were made
 * by another signer than the SDK's, so they check the verifier against SigV4 itself.
 */
interface SignedForm {
  method: string;
  /** The request line's target: path and query, as the suite writes them. */
  target: string;
  /** Header lines in the order sent, a header sent twice appearing twice. */
  headers: [string, string][];
  body?: string;
  /** The path line of the suite's canonical request. */
  canonicalPath: string;
  signature: string;
}

interface SuiteCase {
  name: string;
  region: string;
  service: string;
  timestamp: string;
  /** false: the canonical path is the path as sent, S3's rule. */
  normalize: boolean;
  signBody: boolean;
  expiresSeconds: number;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** true: the session token was added to the request after it was signed. */
  omitSessionToken?: boolean;
  header?: SignedForm;
  query?: SignedForm;
}

const suite = JSON.parse(
  readFileSync(new URL('fixtures/sigv4-suite/aws-c-auth-v4.json', import.meta.url), 'utf8'),
) as { source: { commit: string }; cases: SuiteCase[] };

/**
 * The request as the account's endpoint hands it to the verifier: headers joined from their raw
 * lines, the query split and decoded. A case the suite signs without normalising its path is S3's
 * rule: its path goes on the wire in its encoded form, which is the canonical path, and is signed
 * as sent.
 */
function asReceived(form: SignedForm, normalize: boolean): SignableRequest {
  const at = form.target.indexOf('?');
  const path = at === -1 ? form.target : form.target.slice(0, at);
  const rawQuery = at === -1 ? '' : form.target.slice(at + 1);
  const query = rawQuery
    .split('&')
    .filter(Boolean)
    .map((pair): [string, string] => {
      const [key = '', ...value] = pair.split('=');
      return [decodeURIComponent(key), decodeURIComponent(value.join('='))];
    });
  return {
    method: form.method,
    path: normalize ? path : form.canonicalPath,
    query,
    headers: canonicalHeaderValues(form.headers.flat()),
  };
}

async function verify(
  suiteCase: SuiteCase,
  form: SignedForm,
  request = asReceived(form, suiteCase.normalize),
) {
  await verifySignature(request, parseAuthorization(request), suiteCase.credentials.secretAccessKey, {
    nowMs: Date.parse(suiteCase.timestamp),
    ...(form.body === undefined ? {} : { payloadHash: sha256(form.body) }),
    ...(suiteCase.normalize ? {} : { signsPathAsSent: true }),
  });
}

async function expectMismatch(verifying: Promise<void>): Promise<void> {
  const error: unknown = await verifying.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SignatureError);
  expect((error as SignatureError).code).toBe('SignatureDoesNotMatch');
}

/** The signature with its first hex digit changed. */
function flipped(signature: string): string {
  return `${signature[0] === '0' ? '1' : '0'}${signature.slice(1)}`;
}

function withSignature(request: SignableRequest, signature: string): SignableRequest {
  const authorization = request.headers.authorization;
  if (authorization)
    return {
      ...request,
      headers: {
        ...request.headers,
        authorization: authorization.replace(/Signature=\w+$/, `Signature=${signature}`),
      },
    };
  return {
    ...request,
    query: request.query.map(([k, v]): [string, string] => [k, k === 'X-Amz-Signature' ? signature : v]),
  };
}

/** Why a form of a case cannot apply to the account, where it cannot. */
function notApplicable(suiteCase: SuiteCase, form: 'header' | 'query'): string | undefined {
  if (form === 'query' && suiteCase.omitSessionToken)
    return 'the token is appended to the presigned URL after signing (IoT style); the account, like S3, signs every query parameter but X-Amz-Signature, so refuses it';
  return undefined;
}

describe(`AWS SigV4 test suite (aws-c-auth ${suite.source.commit.slice(0, 7)}) through the account's verifier`, () => {
  it('holds the cases the issue names', () => {
    const names = new Set(suite.cases.map((c) => c.name));
    for (const name of [
      'get-vanilla',
      'get-vanilla-query-order-key-case',
      'get-header-value-trim',
      'get-header-key-duplicate',
      'get-header-value-multiline',
      'get-space-normalized',
      'get-space-unnormalized',
      'get-utf8',
      'get-slash-normalized',
      'get-slashes-unnormalized',
      'get-slash-dot-slash-normalized',
      'get-relative-normalized',
      'get-relative-relative-unnormalized',
      'post-vanilla',
      'post-x-www-form-urlencoded',
      'post-sts-header-before',
      'post-sts-header-after',
    ])
      expect(names).toContain(name);
    expect(suite.cases.every((c) => c.header && c.query)).toBe(true);
  });

  for (const suiteCase of suite.cases)
    for (const form of ['header', 'query'] as const) {
      const signed = suiteCase[form];
      if (!signed) continue;
      const reason = notApplicable(suiteCase, form);
      if (reason) {
        it.skip(`${form} form: ${suiteCase.name} — not applicable: ${reason}`, () => undefined);
        continue;
      }
      it(`${form} form: ${suiteCase.name} is accepted, and refused with one byte changed`, async () => {
        const request = asReceived(signed, suiteCase.normalize);
        expect(parseAuthorization(request).signature).toBe(signed.signature);
        await verify(suiteCase, signed, request);
        await expectMismatch(verify(suiteCase, signed, withSignature(request, flipped(signed.signature))));
        const host = request.headers.host!;
        await expectMismatch(
          verify(suiteCase, signed, {
            ...request,
            headers: { ...request.headers, host: `${host.slice(0, -1)}n` },
          }),
        );
      });
    }
});
