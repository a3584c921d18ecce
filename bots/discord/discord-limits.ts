/**
 * Discord's documented limits for a message (content, embeds, components). A body over any of
 * them is refused whole: 400, code 50035 "Invalid Form Body".
 */
export const DISCORD_LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  fieldName: 256,
  fieldValue: 1024,
  fields: 25,
  footerText: 2048,
  /** Title, description, field names and values, footer and author of all embeds together. */
  embedsTotal: 6000,
  buttonUrl: 512,
  buttonLabel: 80,
  customId: 100,
} as const;
