import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  HubSpotSignatureError,
  hubspotSignatureHeaders,
  hubspotSignedUri,
  verifyHubSpotSignature,
  type HubSpotSignatureFailure,
  type SignedRequest,
} from './signature.js';

const SECRET = 'a1b2c3d4-e5f6-4711-9abc-def012345678';
const NOW = Date.UTC(2026, 2, 1, 12); // ms
const URI = 'https://crm.example.com/hooks/hubspot/ws_1';
const BODY =
  '[{"eventId":2995724042,"subscriptionId":6547123,"portalId":48975575,"appId":39522895,' +
  '"occurredAt":1772366400000,"subscriptionType":"deal.propertyChange","attemptNumber":0,' +
  '"objectId":4500,"propertyName":"dealstage","propertyValue":"closedwon","changeSource":"CRM_UI"}]';

/** The signature computed independently of the module: base64 HMAC-SHA256 of method+URI+body+timestamp. */
function sign(signedUri: string, body: string, timestamp: number, secret = SECRET): string {
  return createHmac('sha256', secret)
    .update(`POST${signedUri}${body}${timestamp}`, 'utf8')
    .digest('base64');
}

function request(overrides: Partial<SignedRequest> = {}): SignedRequest {
  return {
    method: 'POST',
    uri: URI,
    body: BODY,
    signature: sign(URI, BODY, NOW),
    timestamp: String(NOW),
    ...overrides,
  };
}

function refused(fn: () => unknown): HubSpotSignatureFailure {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof HubSpotSignatureError, String(err));
    assert.ok(err.message.length > 0);
    assert.ok(!err.message.includes(SECRET), 'a refusal never shows the secret');
    return err.reason;
  }
  assert.fail('accepted');
}

const opts = { secrets: SECRET, now: NOW };

test('a delivery signed as HubSpot signs it is accepted, and its timestamp returned', () => {
  assert.deepEqual(verifyHubSpotSignature(request(), opts), { timestamp: NOW });
  // the body as bytes is the same body; the method in any case is upper-cased as HubSpot signs it
  assert.ok(verifyHubSpotSignature(request({ body: Buffer.from(BODY) }), opts));
  assert.ok(verifyHubSpotSignature(request({ method: 'post' }), opts));
  // the helper signs exactly so
  assert.deepEqual(hubspotSignatureHeaders({ method: 'POST', uri: URI, body: BODY }, SECRET, NOW), {
    'X-HubSpot-Signature-v3': sign(URI, BODY, NOW),
    'X-HubSpot-Request-Timestamp': String(NOW),
  });
  // several secrets while one is rotated: any one matching is enough
  assert.ok(verifyHubSpotSignature(request(), { ...opts, secrets: ['old-secret', SECRET] }));
});

test('a wrong secret, an altered body, URI, method or timestamp is refused as no_matching_signature', () => {
  assert.equal(
    refused(() => verifyHubSpotSignature(request(), { ...opts, secrets: 'another-secret' })),
    'no_matching_signature',
  );
  assert.equal(
    refused(() =>
      verifyHubSpotSignature(request({ body: BODY.replace('closedwon', 'closedlost') }), opts),
    ),
    'no_matching_signature',
  );
  assert.equal(
    refused(() => verifyHubSpotSignature(request({ body: `${BODY}\n` }), opts)),
    'no_matching_signature',
  );
  assert.equal(
    refused(() => verifyHubSpotSignature(request({ uri: `${URI}x` }), opts)),
    'no_matching_signature',
  );
  assert.equal(
    refused(() => verifyHubSpotSignature(request({ method: 'PUT' }), opts)),
    'no_matching_signature',
  );
  // the timestamp is signed: moving it by a millisecond breaks the signature
  assert.equal(
    refused(() => verifyHubSpotSignature(request({ timestamp: String(NOW + 1) }), opts)),
    'no_matching_signature',
  );
});

test('a timestamp more than 5 minutes old is refused as too old, one ahead of the clock as in the future', () => {
  const at = (msFromNow: number) =>
    request({ timestamp: String(NOW + msFromNow), signature: sign(URI, BODY, NOW + msFromNow) });
  assert.ok(verifyHubSpotSignature(at(-300_000), opts));
  assert.equal(
    refused(() => verifyHubSpotSignature(at(-300_001), opts)),
    'timestamp_too_old',
  );
  assert.equal(
    refused(() => verifyHubSpotSignature(at(-86_400_000), opts)),
    'timestamp_too_old',
  );
  assert.ok(verifyHubSpotSignature(at(300_000), opts));
  assert.equal(
    refused(() => verifyHubSpotSignature(at(300_001), opts)),
    'timestamp_in_future',
  );
  // a tolerance of its own
  assert.ok(verifyHubSpotSignature(at(-600_000), { ...opts, toleranceMs: 900_000 }));
  // a stale delivery with a forged signature is told about the signature, not its age
  assert.equal(
    refused(() =>
      verifyHubSpotSignature(
        request({ timestamp: String(NOW - 3_600_000), signature: sign(URI, BODY, NOW) }),
        opts,
      ),
    ),
    'no_matching_signature',
  );
});

test("the signed URI has HubSpot's table of percent-encodings decoded, and no other", () => {
  const called =
    'https://crm.example.com/hooks/hubspot/ws%3A1?label=a%3ab%2Fc%2C%28d%29&q=x%20y%26z';
  const signedAs = 'https://crm.example.com/hooks/hubspot/ws:1?label=a:b/c,(d)&q=x%20y%26z';
  assert.equal(hubspotSignedUri(called), signedAs);
  assert.equal(hubspotSignedUri('%3A%2F%3F%40%21%24%27%28%29%2A%2C%3B'), ":/?@!$'()*,;");
  // %20 (space), %26 (&), %3D (=), %25 (%) stay encoded
  assert.equal(hubspotSignedUri('%20%26%3D%25%2B'), '%20%26%3D%25%2B');
  // HubSpot signed the decoded form; the URI as it reached us, still encoded, verifies
  const signature = sign(signedAs, BODY, NOW);
  assert.ok(verifyHubSpotSignature(request({ uri: called, signature }), opts));
  assert.ok(verifyHubSpotSignature(request({ uri: signedAs, signature }), opts));
  // decoding everything (decodeURIComponent) would turn %20 into a space and fail
  assert.equal(
    refused(() =>
      verifyHubSpotSignature(request({ uri: decodeURIComponent(called), signature }), opts),
    ),
    'no_matching_signature',
  );
  // signing the encoded form instead is not what HubSpot does
  assert.equal(
    refused(() =>
      verifyHubSpotSignature(request({ uri: called, signature: sign(called, BODY, NOW) }), opts),
    ),
    'no_matching_signature',
  );
});

test('missing or malformed headers, or no secret configured, are refused naming why', () => {
  assert.equal(
    refused(() => verifyHubSpotSignature(request(), { ...opts, secrets: [] })),
    'no_secret',
  );
  assert.equal(
    refused(() => verifyHubSpotSignature(request(), { ...opts, secrets: '' })),
    'no_secret',
  );
  assert.equal(
    refused(() => verifyHubSpotSignature(request({ signature: undefined }), opts)),
    'missing_signature',
  );
  assert.equal(
    refused(() => verifyHubSpotSignature(request({ signature: '' }), opts)),
    'missing_signature',
  );
  assert.equal(
    refused(() => verifyHubSpotSignature(request({ timestamp: null }), opts)),
    'missing_timestamp',
  );
  assert.equal(
    refused(() => verifyHubSpotSignature(request({ timestamp: '2026-03-01T12:00:00Z' }), opts)),
    'malformed_timestamp',
  );
  assert.equal(
    refused(() => verifyHubSpotSignature(request({ timestamp: '-5' }), opts)),
    'malformed_timestamp',
  );
  // hex (v1/v2 style) or a truncated digest is not a v3 signature
  const hex = createHmac('sha256', SECRET).update('x').digest('hex');
  assert.equal(
    refused(() => verifyHubSpotSignature(request({ signature: hex }), opts)),
    'malformed_signature',
  );
  assert.equal(
    refused(() =>
      verifyHubSpotSignature(request({ signature: sign(URI, BODY, NOW).slice(0, 20) }), opts),
    ),
    'malformed_signature',
  );
});
