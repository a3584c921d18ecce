import {
  describeDurations,
  idPrefixesText,
  labelsWith,
  MODEL_FAMILIES,
  type ModelFamily,
} from '../models/families.js';

const unique = (values: readonly string[]) => [...new Set(values)];

/**
 * Help and model list, as plain text with light markdown that both Slack (mrkdwn) and Discord
 * render: `*bold*` is not used because the two disagree on it; backticks work on both. What the
 * families offer comes from the family table, so a new family shows here without an edit.
 */
export function helpText(defaultModel: string, families: readonly ModelFamily[] = MODEL_FAMILIES): string {
  const resolutions = unique(families.flatMap((family) => family.resolutions))
    .sort((a, b) => parseInt(a, 10) - parseInt(b, 10))
    .join('|');
  const ratios = unique(families.flatMap((family) => family.ratios));
  return [
    'Make a video from a prompt:',
    '`/video a corgi surfing at sunset --duration 8 --ratio 9:16`',
    '',
    'Options (all optional):',
    '`--model ID` which model (see `/video models`), default `' + defaultModel + '`',
    `\`--duration N\` seconds · \`--resolution ${resolutions}\` · \`--ratio ${ratios.slice(0, 2).join('|')}${ratios.length > 2 ? '|…' : ''}\``,
    '`--negative "TEXT"` what to avoid · `--seed N` for repeatable results',
    `\`--audio\` / \`--no-audio\` sound (${labelsWith('audio', families)}) · \`--image URL\` first frame (repeat for several)`,
    '`--last-frame URL` last frame · `--ref URL` reference image (repeatable)',
    '',
    '`/video usage` shows what you made today and this month, and what is left under the team’s limits.',
    '`/video history` lists your last clips with their links (admins: `/video history --all` for the channel’s).',
    '',
    'Quote values with spaces: `--negative "blurry, text"`. The clip is posted here when it is ready, usually in 1–3 minutes.',
  ].join('\n');
}

export function modelsText(defaultModel: string, families: readonly ModelFamily[] = MODEL_FAMILIES): string {
  const lines = [`Models (any id starting with ${idPrefixesText(families)} is passed through):`];
  for (const family of families) {
    lines.push(
      '',
      `${family.label}: ${family.models.map((m) => '`' + m + '`' + (m === defaultModel ? ' (default)' : '')).join(', ')}`,
      `  duration ${describeDurations(family.durations)} s (default ${family.defaultDuration}) · resolution ${family.resolutions.join('/')} · ratio ${family.ratios.join(', ')}` +
        (family.fields.audio ? ' · audio' : '') +
        (family.fields.negativePrompt ? ' · negative prompt' : ''),
    );
  }
  return lines.join('\n');
}
