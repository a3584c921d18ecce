/**
 * The documented limits of Discord messages and Slack Block Kit, written out here independently
 * of the renderers' own constants. Each checker lists every limit a body breaks (empty: none).
 */

type Node = Record<string, unknown>;

const len = (value: unknown): number => (typeof value === 'string' ? value.length : 0);

/** https://discord.com/developers/docs/resources/message (embed limits) and components. */
export function discordViolations(typed: {
  content: string;
  embeds: object[];
  components: object[];
}): string[] {
  // Read as plain JSON: the check walks every field whatever the API's types say.
  const message = typed as { content: string; embeds: Node[]; components: Node[] };
  const broken: string[] = [];
  const check = (ok: boolean, what: string) => void (ok || broken.push(what));
  check(message.content.length <= 2000, `content ${message.content.length} > 2000`);
  check(message.embeds.length <= 10, 'more than 10 embeds');
  let total = 0;
  message.embeds.forEach((embed, i) => {
    const fields = (embed.fields ?? []) as { name: string; value: string }[];
    const footer = len((embed.footer as Node | undefined)?.text);
    const author = len((embed.author as Node | undefined)?.name);
    check(len(embed.title) <= 256, `embeds[${i}].title ${len(embed.title)} > 256`);
    check(len(embed.description) <= 4096, `embeds[${i}].description ${len(embed.description)} > 4096`);
    check(fields.length <= 25, `embeds[${i}] has ${fields.length} fields > 25`);
    check(footer <= 2048, `embeds[${i}].footer.text ${footer} > 2048`);
    check(author <= 256, `embeds[${i}].author.name ${author} > 256`);
    fields.forEach((field, j) => {
      check(field.name.length <= 256, `embeds[${i}].fields[${j}].name > 256`);
      check(field.value.length <= 1024, `embeds[${i}].fields[${j}].value ${field.value.length} > 1024`);
      check(field.value.length > 0, `embeds[${i}].fields[${j}].value is empty`);
    });
    total +=
      len(embed.title) +
      len(embed.description) +
      footer +
      author +
      fields.reduce((sum, f) => sum + f.name.length + f.value.length, 0);
  });
  check(total <= 6000, `embeds together ${total} > 6000`);
  check(message.components.length <= 5, 'more than 5 action rows');
  message.components.forEach((row, i) => {
    const buttons = (row.components ?? []) as Node[];
    check(buttons.length <= 5, `row ${i} has more than 5 buttons`);
    buttons.forEach((button, j) => {
      check(len(button.label) <= 80, `row ${i} button ${j} label > 80`);
      check(len(button.url) <= 512, `row ${i} button ${j} url ${len(button.url)} > 512`);
      check(len(button.custom_id) <= 100, `row ${i} button ${j} custom_id > 100`);
    });
  });
  return broken;
}

/** https://docs.slack.dev/reference/block-kit: the blocks, elements and text objects clipbay uses. */
export function slackViolations(message: { text: string; blocks: Node[] }): string[] {
  const broken: string[] = [];
  const check = (ok: boolean, what: string) => void (ok || broken.push(what));
  const textObject = (object: unknown, max: number, where: string) => {
    const text = (object as Node | undefined)?.text;
    check(typeof text === 'string' && text.length > 0, `${where} has no text`);
    check(len(text) <= max, `${where} ${len(text)} > ${max}`);
  };
  check(message.text.length <= 40_000, `text ${message.text.length} > 40000`);
  check(message.blocks.length <= 50, `${message.blocks.length} blocks > 50`);
  message.blocks.forEach((block, i) => {
    const elements = (block.elements ?? []) as Node[];
    if (block.type === 'section') textObject(block.text, 3000, `blocks[${i}].text`);
    if (block.type === 'context') {
      check(elements.length <= 10, `blocks[${i}] has more than 10 elements`);
      elements.forEach((element, j) => textObject(element, 3000, `blocks[${i}].elements[${j}]`));
    }
    if (block.type === 'actions') {
      check(elements.length <= 25, `blocks[${i}] has more than 25 elements`);
      elements.forEach((button, j) => {
        const where = `blocks[${i}].elements[${j}]`;
        textObject(button.text, 75, `${where}.text`);
        check(len(button.url) <= 3000, `${where}.url ${len(button.url)} > 3000`);
        check(len(button.value) <= 2000, `${where}.value > 2000`);
        check(len(button.action_id) <= 255, `${where}.action_id > 255`);
      });
    }
  });
  return broken;
}
