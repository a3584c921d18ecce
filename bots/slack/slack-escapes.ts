/**
 * Slack escapes `&`, `<` and `>` in command text and wraps links and mentions in angle brackets
 * (`<https://x.com/a.png>`, `<https://x.com|x.com>`, `<@U123|ana>`). Turn them back into what
 * the user typed, so the prompt is plain text and image links are plain URLs.
 */
export function decodeSlackText(text: string): string {
  return text
    .replace(/<([^<>|]+)(?:\|([^<>]*))?>/g, (_m, target: string, label: string | undefined) => {
      if (target.startsWith('@') || target.startsWith('#')) return label ? `${target[0]}${label}` : target;
      // <!here>, <!channel>; a user group comes as <!subteam^S0123|@design>, its label already an @.
      if (target.startsWith('!')) return `@${(label ?? target.slice(1)).replace(/^@/, '')}`;
      return target;
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
