// What `@salesforce/apex/Class.method` imports resolve to in the preview: a call to the server's Apex stand-in.
// A refusal rejects as the platform's AuraHandledException does ({ body: { message } }), so components show it.
export function callApex(name, params) {
  return fetch(`/apex/${encodeURIComponent(name)}${window.location.search}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params ?? {}),
  }).then(
    async (response) => {
      const body = await response.json().catch(() => ({}));
      if (response.ok) return body.result;
      throw { status: response.status, body: { message: body.message || `HTTP ${response.status}` } };
    },
    () => {
      throw { status: 0, body: { message: 'The preview server could not be reached.' } };
    },
  );
}
