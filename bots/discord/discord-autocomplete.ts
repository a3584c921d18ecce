import { DISCORD_LIMITS } from './discord-limits.js';
import { DISCORD_OPTION, discordCommandDataSchema, type DiscordCommandData } from './discord-options.js';
import {
  durationsOf,
  familyOf,
  MODEL_FAMILIES,
  type ModelFamily,
} from '../../functions/core/models/families.js';

export interface AutocompleteChoice {
  name: string;
  value: string | number;
}

const unique = <T>(values: readonly T[]) => [...new Set(values)];
const matches = (typed: string) => (candidate: string) =>
  candidate.toLowerCase().includes(typed.trim().toLowerCase());

/**
 * What Discord offers while someone types in an autocomplete option of `/video` (an
 * APPLICATION_COMMAND_AUTOCOMPLETE interaction, answered with type 8): model ids from the family
 * table, and the durations, resolutions and ratios of the model already chosen in the same
 * command (or of the default model). At most 25 choices, as Discord allows; the validator still
 * checks what is finally sent.
 */
export function autocompleteChoices(
  data: DiscordCommandData,
  defaultModel: string,
  families: readonly ModelFamily[] = MODEL_FAMILIES,
): AutocompleteChoice[] {
  const { options } = discordCommandDataSchema.parse(data);
  const focused = options.find((option) => option.focused);
  if (!focused) return [];
  const typed = String(focused.value ?? '');
  const chosenModel = options.find(
    (option) => option.name === DISCORD_OPTION.model && !option.focused,
  )?.value;
  const family = familyOf(String(chosenModel ?? defaultModel), families);
  const offered = family ? [family] : families;

  let choices: AutocompleteChoice[];
  switch (focused.name) {
    case DISCORD_OPTION.model: {
      const known = families.flatMap((f) =>
        f.models.map((model) => ({ name: `${model} (${f.label})`, value: model })),
      );
      const listed = known.filter((choice) => matches(typed)(choice.value));
      // An unlisted id a family claims is passed through, so offer what was typed too, unless it
      // is only the start of a listed id.
      const id = typed.trim();
      const passThrough =
        id &&
        familyOf(id, families) &&
        !listed.some((c) => c.value.toLowerCase().startsWith(id.toLowerCase()))
          ? [{ name: id, value: id }]
          : [];
      choices = [...passThrough, ...listed];
      break;
    }
    case DISCORD_OPTION.duration:
      choices = unique(offered.flatMap((f) => durationsOf(f.durations)))
        .filter((seconds) => typed.trim() === '' || String(seconds).startsWith(typed.trim()))
        .map((seconds) => ({ name: `${seconds} s`, value: seconds }));
      break;
    case DISCORD_OPTION.resolution:
      choices = unique(offered.flatMap((f) => f.resolutions))
        .filter(matches(typed))
        .map((resolution) => ({ name: resolution, value: resolution }));
      break;
    case DISCORD_OPTION.ratio:
      choices = unique(offered.flatMap((f) => f.ratios))
        .filter(matches(typed))
        .map((ratio) => ({ name: ratio, value: ratio }));
      break;
    default:
      choices = [];
  }
  return choices
    .filter((choice) => String(choice.value).length <= DISCORD_LIMITS.choiceName)
    .map((choice) => ({ ...choice, name: choice.name.slice(0, DISCORD_LIMITS.choiceName) }))
    .slice(0, DISCORD_LIMITS.choices);
}
