import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { DEMO_CONTACTS, DEMO_USERS } from '../emulators/demo-org';
import { isSalesforceId, SALESFORCE_KEY_PREFIX } from '../domain/salesforce-id';
import { PROJECT_ROOT } from './build';
import { UserError, type ApexMethod, type PreviewUser } from './apex-stand-in';

/**
 * The preview's HTTP server: Lightning's page paths (each the same shell, whose script renders the path's
 * component), the compiled bundle, the Lightning Design System's assets, and `POST /apex/<Class.method>` for the
 * Apex stand-in. The preview's user is Ada, the demo org's first rep; `?user=<User Id>` plays another user and
 * `?admin=1` gives them the Zoom Admin permission set.
 */
const SLDS_ASSETS = join(PROJECT_ROOT, 'node_modules/@salesforce-ux/design-system/assets');
const DEFAULT_USER_ID = DEMO_USERS[0].salesforceId;
const MAX_APEX_BODY_BYTES = 1024 * 1024;

const TYPES: Record<string, string> = {
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

const PAGE_PATHS = [
  /^\/lightning\/n\/[A-Za-z0-9_]+\/?$/,
  /^\/lightning\/r\/[A-Za-z]+\/[A-Za-z0-9]{15,18}\/view\/?$/,
  /^\/lightning\/cmp\/c__[A-Za-z0-9_]+\/?$/,
];

/**
 * Every page is the same shell; its script renders the path's component. The user's i18n settings (their time
 * zone) ride along as the platform gives them to components at start, before any component is created.
 */
function shell(i18n: object): string {
  // Inside a <script>: no "<" may close it.
  const settings = JSON.stringify(i18n).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Zoom for Salesforce: local preview</title>
<link rel="stylesheet" href="/slds/styles/salesforce-lightning-design-system.min.css">
</head>
<body class="slds-scope">
<header class="slds-p-around_small slds-theme_shade"><span class="slds-text-title_caps">Local preview of the org</span></header>
<main id="main" class="slds-p-around_medium"></main>
<script>window.__PREVIEW_I18N__ = ${settings};</script>
<script src="/preview.js"></script>
</body>
</html>`;
}

function index(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Local preview</title>
<link rel="stylesheet" href="/slds/styles/salesforce-lightning-design-system.min.css"></head>
<body class="slds-p-around_large"><h1 class="slds-text-heading_medium">Local preview of the org's pages</h1>
<ul class="slds-list_dotted"><li><a href="/lightning/n/External_Zoom_Meetings">External Zoom Meetings</a></li>
<li><a href="/lightning/n/Zoom_Settings">Zoom Settings</a></li>
<li><a href="/lightning/r/Contact/${DEMO_CONTACTS[0].Id}/view">A Contact, with Start Zoom Meeting</a></li></ul>
</body></html>`;
}

function previewUser(url: URL): PreviewUser {
  const requested = url.searchParams.get('user');
  const id = isSalesforceId(requested, SALESFORCE_KEY_PREFIX.user) ? requested : DEFAULT_USER_ID;
  return { id, isAdmin: url.searchParams.get('admin') === '1' };
}

function send(response: ServerResponse, status: number, type: string, body: string | Buffer): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_APEX_BODY_BYTES) throw new UserError('The request is too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface PreviewServerDeps {
  bundle: string;
  apex: Record<string, ApexMethod>;
  /** Where an unexpected failure of a stand-in is reported (never the request's data). */
  onError?: (method: string, error: unknown) => void;
}

export function createPreviewServer(deps: PreviewServerDeps): Server {
  async function handleApex(url: URL, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const name = decodeURIComponent(url.pathname.slice('/apex/'.length));
    const method = Object.hasOwn(deps.apex, name) ? deps.apex[name] : undefined;
    if (!method) return send(response, 404, 'application/json', JSON.stringify({ message: `No Apex method ${name}` }));
    try {
      const raw = await readBody(request);
      const params = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      const result = await method(params, previewUser(url));
      send(response, 200, 'application/json', JSON.stringify({ result: result ?? null }));
    } catch (error) {
      if (error instanceof UserError) {
        return send(response, 400, 'application/json', JSON.stringify({ message: error.message }));
      }
      deps.onError?.(name, error);
      send(response, 500, 'application/json', JSON.stringify({ message: 'The preview could not do that.' }));
    }
  }

  /** A page, with the user's i18n settings from the org (the stand-in's UserInfo.i18n). */
  async function handlePage(url: URL, response: ServerResponse): Promise<void> {
    let i18n: unknown = {};
    try {
      i18n = (await deps.apex['UserInfo.i18n']?.({}, previewUser(url))) ?? {};
    } catch (error) {
      deps.onError?.('UserInfo.i18n', error);
    }
    send(response, 200, 'text/html; charset=utf-8', shell(i18n as object));
  }

  async function handleAsset(path: string, response: ServerResponse): Promise<void> {
    const relative = normalize(path.slice('/slds/'.length));
    if (relative.startsWith('..')) return send(response, 404, 'text/plain', 'Not found');
    try {
      const content = await readFile(join(SLDS_ASSETS, relative));
      response.writeHead(200, { 'content-type': TYPES[extname(relative)] ?? 'application/octet-stream' });
      response.end(content);
    } catch {
      send(response, 404, 'text/plain', 'Not found');
    }
  }

  return createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://preview.invalid');
    const path = url.pathname;
    if (request.method === 'POST' && path.startsWith('/apex/')) return void handleApex(url, request, response);
    if (request.method !== 'GET') return send(response, 405, 'text/plain', 'Method not allowed');
    if (path === '/') return send(response, 200, 'text/html; charset=utf-8', index());
    if (path === '/preview.js') return send(response, 200, 'text/javascript; charset=utf-8', deps.bundle);
    if (path.startsWith('/slds/')) return void handleAsset(path, response);
    if (PAGE_PATHS.some((pattern) => pattern.test(path))) return void handlePage(url, response);
    send(response, 404, 'text/plain', 'Not found');
  });
}
