import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './http-helpers.js';

/** A request handler that answers and returns true, or returns false to pass. */
export type Route = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean> | boolean;

/**
 * The one router of the local stack's server: the first route that answers wins, 404 when none
 * does (as API Gateway answers), and a failing route is a logged 500, never a hung request.
 */
export function router(routes: Route[], log: (line: string) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    void (async () => {
      for (const route of routes) if (await route(req, res, path)) return;
      sendJson(res, 404, { message: 'Not Found' });
    })().catch((error: unknown) => {
      log(`request ${req.method} ${path} failed: ${(error as Error).message}`);
      if (!res.headersSent) sendJson(res, 500, { message: 'Internal Server Error' });
      else res.destroy();
    });
  };
}
