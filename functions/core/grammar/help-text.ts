import { describeDurations, MODEL_FAMILIES } from '../models/families.js';

/**
 * Help and model list, as plain text with light markdown that both Slack (mrkdwn) and Discord
 * render: `*bold*` is not used because the two disagree on it; backticks work on both.
 */
export function helpText(defaultModel: string): string {
  return [
    'Make a video from a prompt:',
    '`/video a corgi surfing at sunset --duration 8 --ratio 9:16`',
    '',
    'Options (all optional):',
    '`--model ID` which model (see `/video models`), default `' + defaultModel + '`',
    '`--duration N` seconds · `--resolution 720p|1080p` · `--ratio 16:9|9:16|…`',
    '`--negative "TEXT"` what to avoid · `--seed N` for repeatable results',
    '`--audio` / `--no-audio` sound (Veo 3.1) · `--image URL` first frame (repeat for several)',
    '`--last-frame URL` last frame · `--ref URL` reference image (repeatable)',
    '',
    '`/video usage` shows what you made today and this month, and what is left under the team’s limits.',
    '',
    'Quote values with spaces: `--negative "blurry, text"`. The clip is posted here when it is ready, usually in 1–3 minutes.',
  ].join('\n');
}

export function modelsText(defaultModel: string): string {
  const lines = ['Models (any id starting with veo, seedance or happyhorse is passed through):'];
  for (const family of MODEL_FAMILIES) {
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
