/**
 * Discord's documented limits for a message (content, embeds, components) and a command's
 * definition and autocomplete answer. A body over any of them is refused whole: 400, code 50035
 * "Invalid Form Body". (Application Commands: option descriptions 1–100 characters, choice names
 * and string values 1–100, at most 25 choices in an option or an autocomplete result.)
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
  optionDescription: 100,
  choices: 25,
  choiceName: 100,
} as const;
