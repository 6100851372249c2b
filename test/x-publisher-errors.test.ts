import assert from 'node:assert/strict';
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { describe, test } from 'node:test';
import { ApiRequestError, ApiResponseError } from 'twitter-api-v2';
import type { TwitterApiErrorData } from 'twitter-api-v2';
import { PublishError } from '../src/publish/publisher.ts';
import { toPublishError } from '../src/publish/x-publisher.ts';

// The error classes are built the way twitter-api-v2 builds them; the request and response
// objects are not read by the mapping.
const noRequest = {} as ClientRequest;
const noResponse = {} as IncomingMessage;
const now = new Date('2026-03-01T12:00:00Z');
const nowSeconds = now.getTime() / 1000;

function answered(code: number, data: unknown, headers: IncomingHttpHeaders = {}): ApiResponseError {
  return new ApiResponseError(`Request failed with code ${code}`, {
    code, data: data as TwitterApiErrorData, headers, request: noRequest, response: noResponse,
  });
}

const problem = (status: number, title: string, detail: string) => ({ title, detail, type: 'about:blank', status });

describe('toPublishError: X answered', () => {
  test('v2 duplicate-content 403 is duplicate', () => {
    const error = toPublishError(answered(403, problem(403, 'Forbidden', 'You are not allowed to create a Tweet with duplicate content.')));
    assert.equal(error.reason, 'duplicate');
    assert.equal(error.details.status, 403);
  });

  test('v1.1 code 187 "Status is a duplicate" is duplicate too', () => {
    const error = toPublishError(answered(403, { errors: [{ code: 187, message: 'Status is a duplicate.' }] }));
    assert.equal(error.reason, 'duplicate');
    assert.match(error.message, /Status is a duplicate/);
  });

  test('the 2026 reply rule is reply-refused, and not retryable', () => {
    const error = toPublishError(answered(403, problem(403, 'Forbidden',
      'Reply to this conversation is not allowed because you have not been mentioned or otherwise engaged by the author of the post you are replying to.')));
    assert.equal(error.reason, 'reply-refused');
    assert.equal(error.retryable, false);
  });

  test('a reply to a deleted or invisible tweet is parent-missing, as a 403 or a 404', () => {
    const detail = 'You attempted to reply to a Tweet that is deleted or not visible to you.';
    assert.equal(toPublishError(answered(403, problem(403, 'Forbidden', detail))).reason, 'parent-missing');
    assert.equal(toPublishError(answered(404, problem(404, 'Not Found', detail))).reason, 'parent-missing');
    assert.equal(toPublishError(answered(403, { errors: [{ code: 385, message: detail }] })).reason, 'parent-missing');
  });

  test('a 403 for the access tier is unauthorized and names X reason', () => {
    const error = toPublishError(answered(403, {
      client_id: '27512824',
      detail: 'When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project.',
      title: 'Client Forbidden',
      reason: 'client-not-enrolled',
      type: 'https://api.twitter.com/2/problems/client-forbidden',
    }));
    assert.equal(error.reason, 'unauthorized');
    assert.match(error.message, /HTTP 403: When authenticating.*client-not-enrolled/);
  });

  test('any other 403 is unauthorized', () => {
    const error = toPublishError(answered(403, problem(403, 'Forbidden', 'You are not permitted to perform this action.')));
    assert.equal(error.reason, 'unauthorized');
  });

  test('401 is unauthorized and 402 is payment-required', () => {
    assert.equal(toPublishError(answered(401, problem(401, 'Unauthorized', 'Unauthorized'))).reason, 'unauthorized');
    assert.equal(toPublishError(answered(402, problem(402, 'Payment Required', 'No credits'))).reason, 'payment-required');
  });

  test('a 400 is invalid, quoting the parameter X objected to', () => {
    const error = toPublishError(answered(400, {
      errors: [{ parameters: { text: [''] }, message: 'The `text` field must not be empty' }],
      title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.', type: 'https://api.twitter.com/2/problems/invalid-request',
    }));
    assert.equal(error.reason, 'invalid');
    assert.match(error.message, /HTTP 400: One or more parameters.*`text` field must not be empty/);
  });

  test('a 5xx with an HTML body from a proxy is server-error, with a readable snippet', () => {
    const error = toPublishError(answered(502, '<html>\n  <body>Bad   Gateway</body>\n</html>'));
    assert.equal(error.reason, 'server-error');
    assert.match(error.message, /HTTP 502: <html> <body>Bad Gateway<\/body> <\/html>/);
  });
});

describe('toPublishError: when to retry a 429', () => {
  test('retryAt is the 15-minute reset when no 24-hour window is spent', () => {
    const error = toPublishError(answered(429, problem(429, 'Too Many Requests', 'Too Many Requests'), {
      'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(nowSeconds + 300),
      'x-app-limit-24hour-remaining': '4000', 'x-app-limit-24hour-reset': String(nowSeconds + 50_000),
    }), now);
    assert.equal(error.details.retryAt?.toISOString(), '2026-03-01T12:05:00.000Z');
  });

  test('a spent 24-hour window pushes retryAt to its own reset', () => {
    const error = toPublishError(answered(429, {}, {
      'x-rate-limit-remaining': '40', 'x-rate-limit-reset': String(nowSeconds + 300),
      'x-app-limit-24hour-remaining': '0', 'x-app-limit-24hour-reset': String(nowSeconds + 7200),
    }), now);
    assert.equal(error.details.retryAt?.toISOString(), '2026-03-01T14:00:00.000Z');
  });

  test('without rate-limit headers, retryAt is one 15-minute window away', () => {
    const error = toPublishError(answered(429, {}), now);
    assert.equal(error.details.retryAt?.toISOString(), '2026-03-01T12:15:00.000Z');
  });

  test('a reset already in the past (clock skew) means retry now, not earlier', () => {
    const error = toPublishError(answered(429, {}, { 'x-rate-limit-reset': String(nowSeconds - 60) }), now);
    assert.equal(error.details.retryAt?.getTime(), now.getTime());
  });
});

describe('toPublishError: no answer', () => {
  test('a request error is outcome-unknown and names the network cause', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const error = toPublishError(new ApiRequestError('Request failed.', { request: noRequest, error: reset }));
    assert.equal(error.reason, 'outcome-unknown');
    assert.match(error.message, /ECONNRESET: socket hang up/);
  });

  test("twitter-api-v2's own timeout is outcome-unknown", () => {
    const error = toPublishError(new ApiRequestError('Request failed.', { request: noRequest, error: new Error('Request timeout.') }));
    assert.equal(error.reason, 'outcome-unknown');
    assert.match(error.message, /did not answer in time/);
  });

  test('an unexpected error is outcome-unknown, since the post may be live', () => {
    assert.equal(toPublishError(new TypeError('boom')).reason, 'outcome-unknown');
  });

  test('a PublishError passes through unchanged', () => {
    const original = new PublishError('invalid', 'already classified');
    assert.equal(toPublishError(original), original);
  });
});
