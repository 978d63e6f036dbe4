import { loginSchema } from '@cordon/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../app';
import { contextFor, cookieValue, SESSION_COOKIE } from '../../context';
import { errorResponseSchema } from '../../errors';

/** Sign-in for people: a session cookie (HttpOnly, SameSite=Strict, Secure) after password and TOTP. */
export const authRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const cookie = (value: string, maxAgeSeconds: number) =>
      `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${deps.secureCookies ? '; Secure' : ''}`;

    app.post(
      '/v1/auth/login',
      {
        attachValidation: true,
        schema: {
          summary: 'Sign in with username (staff id), password and, for privileged roles, a TOTP code',
          tags: ['auth'],
          security: [],
          body: loginSchema,
          response: {
            200: z.object({ staffId: z.string(), role: z.string(), expiresAt: z.string() }),
            400: errorResponseSchema,
            401: errorResponseSchema,
            403: errorResponseSchema,
            423: errorResponseSchema,
          },
        },
      },
      async (request, reply) => {
        const r = await deps.auth.login(request.body, {
          clientAddress: request.ip,
          requestId: String(request.id),
        });
        reply.header(
          'set-cookie',
          cookie(r.session, Math.floor((r.expiresAt.getTime() - Date.now()) / 1000)),
        );
        return { staffId: r.staffId, role: r.role, expiresAt: r.expiresAt.toISOString() };
      },
    );

    app.post(
      '/v1/auth/logout',
      {
        schema: {
          summary: 'End the session',
          tags: ['auth'],
          response: { 200: z.object({ ok: z.boolean() }) },
        },
      },
      async (request, reply) => {
        await deps.auth.logout(cookieValue(request, SESSION_COOKIE));
        reply.header('set-cookie', cookie('', 0));
        return { ok: true };
      },
    );

    app.get(
      '/v1/auth/me',
      {
        schema: {
          summary: 'Who the credential acts as',
          tags: ['auth'],
          response: {
            200: z.object({
              type: z.string(),
              id: z.string(),
              role: z.string(),
              scopes: z.array(z.string()),
            }),
            401: errorResponseSchema,
          },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        return { ...ctx.actor, scopes: [...ctx.scopes] };
      },
    );
  };
