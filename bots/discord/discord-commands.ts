import type { RESTPostAPIApplicationCommandsJSONBody } from 'discord-api-types/v10';
import { ANIMATE_COMMAND } from './discord-animate.js';
import { videoCommand } from './video-command.js';

/** Every application command clipbay registers: what `discord:register` and `connect` PUT. */
export function clipbayCommands(): RESTPostAPIApplicationCommandsJSONBody[] {
  return [videoCommand(), ANIMATE_COMMAND];
}

/**
 * Whether the commands Discord holds are exactly clipbay's current definitions: the same commands,
 * each holding every field clipbay sets with the same value. Discord adds fields of its own (`id`,
 * `version`, `application_id`…), fills the ones clipbay leaves unset with its defaults
 * (`integration_types: [0]`, `dm_permission: true` for a global command…) and leaves out `false`,
 * so none of those count.
 */
export function commandsMatch(
  registered: readonly Record<string, unknown>[],
  wanted: readonly RESTPostAPIApplicationCommandsJSONBody[] = clipbayCommands(),
): boolean {
  if (registered.length !== wanted.length) return false;
  return wanted.every((command) => {
    const held = registered.find((r) => r.name === command.name && (r.type ?? 1) === (command.type ?? 1));
    return held !== undefined && holds(held, command);
  });
}

function holds(held: unknown, wanted: unknown): boolean {
  // A field clipbay leaves unset is Discord's to default (`integration_types`, `contexts`,
  // `dm_permission`…): whatever Discord holds for it is current.
  if (wanted === undefined) return true;
  if (wanted === null || wanted === false) return held === wanted || held == null || held === false;
  if (Array.isArray(wanted))
    return Array.isArray(held) && held.length === wanted.length && wanted.every((w, i) => holds(held[i], w));
  if (typeof wanted === 'object') {
    if (!held || typeof held !== 'object') return false;
    return Object.entries(wanted).every(([key, value]) =>
      holds((held as Record<string, unknown>)[key], value),
    );
  }
  return held === wanted;
}

/** A command as people find it: `/video`, or `“Animate” (message menu)`. */
export function commandLabel(command: { name: string; type?: number | undefined }): string {
  return (command.type ?? 1) === 1 ? `/${command.name}` : `“${command.name}” (message menu)`;
}
