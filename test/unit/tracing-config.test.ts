/**
 * Tracing's configuration and the URLs its HTTP spans keep: off without an endpoint, and no e-mail address, query
 * string or credentials in a span's URL.
 */
import { loadApiConfig, loadWorkerConfig } from '../../common/config';
import { traceSafeUrl } from '../../common/tracing';

const API_ENV = { PAYLOAD_KEYS: 'k1:' + Buffer.alloc(32, 7).toString('base64'), CALLOUT_SECRET: 'x'.repeat(16) };

test('off by default; an endpoint turns it on, spans going to <endpoint>/v1/traces with the given headers', () => {
  expect(loadApiConfig(API_ENV).tracing).toBeUndefined();
  expect(
    loadApiConfig({
      ...API_ENV,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example:4318/',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc%3D, x-team = ops',
      OTEL_SERVICE_NAME: 'zoom-api-eu',
    }).tracing,
  ).toEqual({
    tracesUrl: 'https://collector.example:4318/v1/traces',
    headers: { 'x-api-key': 'abc=', 'x-team': 'ops' },
    serviceName: 'zoom-api-eu',
  });
});

test('a malformed endpoint or header list is a configuration error naming the variable', () => {
  expect(() => loadApiConfig({ ...API_ENV, OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
    /OTEL_EXPORTER_OTLP_ENDPOINT/,
  );
  expect(() =>
    loadApiConfig({ ...API_ENV, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_HEADERS: 'token' }),
  ).toThrow(/OTEL_EXPORTER_OTLP_HEADERS/);
  expect(() => loadWorkerConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'nope' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
});

test.each([
  ['https://api.zoom.us/v2/users/ada%40demo-sales.example/meetings', 'https://api.zoom.us/v2/users/{email}/meetings'],
  [
    'https://api.zoom.us/v2/report/users/ada@demo-sales.example/meetings?from=2026-12-01',
    'https://api.zoom.us/v2/report/users/{email}/meetings',
  ],
  [
    "https://org.my.salesforce.com/services/data/v62.0/query?q=SELECT+Id+FROM+User+WHERE+Email='ada@x.example'",
    'https://org.my.salesforce.com/services/data/v62.0/query',
  ],
  ['https://zoom.us/oauth/token?grant_type=account_credentials&account_id=abc', 'https://zoom.us/oauth/token'],
  ['https://user:secret@host.example/v2/meetings/123#frag', 'https://host.example/v2/meetings/123'],
  ['/v1/events/00U000000000001AAA/email?x=ada@x.example', '/v1/events/00U000000000001AAA/email'],
])('%s is traced as %s', (url, traced) => {
  expect(traceSafeUrl(url)).toBe(traced);
});
