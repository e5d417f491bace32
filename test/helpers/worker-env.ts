/** The least environment `loadWorkerConfig` accepts: a payload key and the Zoom and Salesforce credentials. */
export const MINIMAL_WORKER_ENV = {
  PAYLOAD_KEYS: 'k1:' + Buffer.alloc(32, 7).toString('base64'),
  ZOOM_ACCOUNT_ID: 'a',
  ZOOM_CLIENT_ID: 'b',
  ZOOM_CLIENT_SECRET: 'c',
  SALESFORCE_LOGIN_URL: 'https://org.my.salesforce.com',
  SALESFORCE_CLIENT_ID: 'd',
  SALESFORCE_CLIENT_SECRET: 'e',
};
