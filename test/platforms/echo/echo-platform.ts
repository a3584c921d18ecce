import * as z from 'zod';
import { optionalText, parseEnvironment } from '../../../functions/core/config-values.js';
import type { PlatformSetup } from '../../../functions/core/chat/chat-platform.js';

/**
 * "Echo": a third chat platform that exists only in tests, as small as a platform can be. Commands
 * arrive as signed JSON (HMAC-SHA256 of the body with a shared key, `x-echo-signature`); answers
 * are POSTed to the `replyUrl` each command carries. It proves that a platform is one folder plus
 * one registration: nothing outside test/platforms/ names it.
 */
export const echoReplyTargetSchema = z.object({
  platform: z.literal('echo'),
  channelId: z.string().min(1),
  workspaceId: z.string().min(1).optional(),
  replyUrl: z.string().url(),
});
export type EchoReplyTarget = z.infer<typeof echoReplyTargetSchema>;

const echoEnvironmentSchema = z.object({ ECHO_SHARED_KEY: optionalText });
export interface EchoSettings {
  sharedKey: string | undefined;
}
export const echoSecretSchema = z.object({ sharedKey: z.string().min(1) });
export type EchoSecret = z.infer<typeof echoSecretSchema>;

export const echoPlatform = {
  id: 'echo',
  label: 'Echo',
  workspaceNoun: 'room',
  replyTarget: echoReplyTargetSchema,
  variables: Object.keys(echoEnvironmentSchema.shape),
  deployVariables: [],
  readEnvironment: (env): EchoSettings => ({
    sharedKey: parseEnvironment(echoEnvironmentSchema, env).ECHO_SHARED_KEY,
  }),
  withSecret: (settings: EchoSettings, secret: EchoSecret | undefined): EchoSettings => ({
    sharedKey: secret?.sharedKey ?? settings.sharedKey,
  }),
  secret: {
    constructId: 'EchoSecrets',
    variable: 'ECHO_SECRET_ARN',
    required: 'sharedKey',
    shape: echoSecretSchema,
    unfilled: { sharedKey: '' },
    description: 'clipbay: JSON {"sharedKey"} for the Echo test platform',
  },
  ingress: {
    functionId: 'EchoCommandsFn',
    entry: 'test/platforms/echo/echo-ingress.ts',
    path: '/echo/commands',
    output: { id: 'EchoCommandsUrl', description: 'Echo: where commands are POSTed' },
  },
  files: { hosts: () => [], authorization: () => undefined },
} as const satisfies PlatformSetup<EchoReplyTarget, EchoSettings, EchoSecret, EchoSettings>;
