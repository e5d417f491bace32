import { type FastifyInstance } from 'fastify';
import { queryValue, type ZoomApiContext } from './api';
import { ZoomErrors } from './errors';
import { pageBody, pageSizeOf } from './pagination';
import { formatZoomTime } from './start-time';
import { type StoredUser, type UserStatus } from './store';

/** `GET /v2/users` (Medium) and `GET /v2/users/{userId|email|me}` (Light). */

const USER_STATUSES: readonly UserStatus[] = ['active', 'inactive', 'pending'];

function renderUser(user: StoredUser, accountId: string, publicBaseUrl: string): Record<string, unknown> {
  return {
    id: user.id,
    first_name: user.firstName,
    last_name: user.lastName,
    display_name: `${user.firstName} ${user.lastName}`,
    email: user.email,
    type: user.type,
    pmi: user.pmi, // a number here, while meetings carry `pmi` as a string
    use_pmi: false,
    timezone: user.timezone,
    personal_meeting_url: `${publicBaseUrl}/j/${user.pmi}`,
    account_id: accountId,
    status: user.status,
    role_id: '0',
    language: 'en-US',
    verified: 1,
    created_at: formatZoomTime(user.createdAt),
  };
}

/** The user a path names, or Zoom's 1001. */
export function requireUser(context: ZoomApiContext, userId: string): StoredUser {
  const user = context.store.findUser(userId);
  if (!user) throw ZoomErrors.userNotFound(userId);
  return user;
}

export function registerUserRoutes(app: FastifyInstance, context: ZoomApiContext, accountId: string): void {
  app.get('/v2/users', { config: { rateLabel: 'Medium' } }, async (request) => {
    const status = queryValue(request.query, 'status') ?? 'active';
    if (!USER_STATUSES.includes(status as UserStatus))
      throw ZoomErrors.invalidField('status', `unknown status ${status}`);
    const pageSize = pageSizeOf(queryValue(request.query, 'page_size'));
    const users = [...context.store.users.values()].filter((u) => u.status === status);
    const page = context.pageTokens.page(
      users.map((u) => renderUser(u, accountId, context.publicBaseUrl)),
      `users?status=${status}`,
      pageSize,
      queryValue(request.query, 'next_page_token'),
    );
    return pageBody(page, 'users');
  });

  app.get<{ Params: { userId: string } }>('/v2/users/:userId', { config: { rateLabel: 'Light' } }, async (request) =>
    renderUser(requireUser(context, request.params.userId), accountId, context.publicBaseUrl),
  );
}
