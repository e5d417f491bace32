import {
  classifyRateLimit,
  isRetryableStatus,
  msUntilNextUtcMidnight,
  parseRetryAfter,
  ZoomApiError,
} from '../../integrations/zoom/errors';

const NOW = Date.parse('2030-05-30T22:00:00Z');

describe('parseRetryAfter', () => {
  test.each([
    ['1', 1000],
    [' 30 ', 30_000],
    ['0', 0],
    ['1.5', 1500],
    [2, 2000],
  ])('delta seconds %p → %p ms', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  test('an ISO datetime (Zoom daily limits) is the time left until then', () => {
    expect(parseRetryAfter('2030-05-31T00:00:00Z', NOW)).toBe(2 * 3_600_000);
  });

  test('an HTTP-date is the time left until then', () => {
    expect(parseRetryAfter('Thu, 30 May 2030 22:00:05 GMT', NOW)).toBe(5000);
  });

  test('a date in the past means no wait', () => {
    expect(parseRetryAfter('2030-05-29T00:00:00Z', NOW)).toBe(0);
  });

  test.each([undefined, null, '', 'soon', '-1', '-5', 'NaN', 'Fri, 99 Foo 2030 25:00:00 GMT', Number.NaN, -3])(
    'unreadable %p → undefined',
    (value) => {
      expect(parseRetryAfter(value as string | number | undefined | null, NOW)).toBeUndefined();
    },
  );
});

describe('ZoomApiError classification', () => {
  test.each([
    [0, true], // no answer: network error or timeout
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [409, false],
  ])('HTTP %p retryable: %p', (httpStatus, retryable) => {
    expect(isRetryableStatus(httpStatus)).toBe(retryable);
    expect(new ZoomApiError({ httpStatus, message: 'x' }).isRetryable).toBe(retryable);
  });

  test('keeps Zoom code and message, and is an Error', () => {
    const error = new ZoomApiError({ httpStatus: 404, code: 3001, message: 'Meeting 1 is not found or has expired.' });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'ZoomApiError',
      code: 3001,
      message: 'Meeting 1 is not found or has expired.',
    });
    expect(error.isRateLimited).toBe(false);
  });

  test('429 kinds come from X-RateLimit-Type, else from the message', () => {
    expect(classifyRateLimit('QPS', 'anything')).toEqual({ rateLimitType: 'QPS', rateLimitScope: 'account' });
    expect(classifyRateLimit('Daily-limit', 'anything')).toEqual({
      rateLimitType: 'Daily-limit',
      rateLimitScope: 'account',
    });
    expect(
      classifyRateLimit(
        undefined,
        'You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00.',
      ),
    ).toEqual({ rateLimitType: 'Daily-limit', rateLimitScope: 'user' });
    expect(
      classifyRateLimit(undefined, 'You have reached the maximum per-second rate limit for this API. Try again later.'),
    ).toEqual({ rateLimitType: 'QPS', rateLimitScope: 'account' });
    expect(classifyRateLimit(undefined, 'Too many requests')).toEqual({ rateLimitScope: 'account' });
  });

  test('daily limits reset at the next 00:00 UTC', () => {
    expect(msUntilNextUtcMidnight(NOW)).toBe(2 * 3_600_000);
    expect(msUntilNextUtcMidnight(Date.parse('2030-05-31T00:00:00Z'))).toBe(86_400_000);
  });
});
