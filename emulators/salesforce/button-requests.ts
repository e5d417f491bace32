import axios, { type AxiosResponse } from 'axios';
import { calloutHeaders } from '../../domain/callout-signature';

/**
 * The org's button requests to the API, as `ZoomMeetingController` sends them through the Named Credential: JSON,
 * signed v2 (over the method, the path and the body). Used by the demo scripts, the benchmarks and the end-to-end
 * tests to press the buttons of the emulated org. Answers of any status are returned, not thrown.
 */
export function pressButton(
  apiUrl: string,
  secret: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<AxiosResponse> {
  const raw = body === undefined ? '' : JSON.stringify(body);
  return axios.request({
    method,
    url: `${apiUrl}${path}`,
    data: raw || undefined,
    headers: calloutHeaders(secret, raw, Date.now(), { method, path }),
    transformRequest: [(data: string | undefined) => data],
    validateStatus: () => true,
  });
}
