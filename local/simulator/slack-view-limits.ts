/**
 * What Slack refuses in a modal view, as documented (docs.slack.dev/reference/views/modal-views
 * and the Block Kit pages for input blocks, selects, option objects and text inputs). The fake
 * Slack API answers views.open and views.update with `invalid_arguments` naming each problem, as
 * Slack does, so a form that would not open in Slack does not open in a test either.
 */
const LIMITS = {
  title: 24,
  button: 24,
  blocks: 100,
  privateMetadata: 3000,
  id: 255,
  label: 2000,
  placeholder: 150,
  options: 100,
  optionGroups: 100,
  optionText: 75,
  optionValue: 150,
  textInputMaxLength: 3000,
} as const;

interface TextObject {
  text?: string;
}
interface OptionObject {
  text?: TextObject;
  value?: string;
}
interface Element {
  type?: string;
  action_id?: string;
  placeholder?: TextObject;
  options?: OptionObject[];
  option_groups?: { label?: TextObject; options?: OptionObject[] }[];
  max_length?: number;
}
interface Block {
  type?: string;
  block_id?: string;
  label?: TextObject;
  element?: Element;
}
interface View {
  type?: string;
  title?: TextObject;
  submit?: TextObject;
  close?: TextObject;
  blocks?: Block[];
  private_metadata?: string;
  callback_id?: string;
}

const longer = (what: string, text: string | undefined, max: number) =>
  (text?.length ?? 0) > max ? [`${what} is longer than ${max} characters`] : [];

function optionProblems(where: string, options: OptionObject[] | undefined): string[] {
  if (!options) return [];
  return [
    ...(options.length > LIMITS.options ? [`${where} has more than ${LIMITS.options} options`] : []),
    ...options.flatMap((o, i) => [
      ...longer(`${where} option ${i} text`, o.text?.text, LIMITS.optionText),
      ...longer(`${where} option ${i} value`, o.value, LIMITS.optionValue),
    ]),
  ];
}

/** Every documented limit the view breaks, in Slack's words; empty when Slack would take it. */
export function slackViewProblems(view: View): string[] {
  const problems: string[] = [];
  if (view.type !== 'modal') problems.push('type must be modal');
  if (!view.title?.text) problems.push('title is required');
  problems.push(...longer('title', view.title?.text, LIMITS.title));
  problems.push(...longer('submit', view.submit?.text, LIMITS.button));
  problems.push(...longer('close', view.close?.text, LIMITS.button));
  problems.push(...longer('private_metadata', view.private_metadata, LIMITS.privateMetadata));
  problems.push(...longer('callback_id', view.callback_id, LIMITS.id));
  const blocks = view.blocks ?? [];
  if (blocks.length > LIMITS.blocks) problems.push(`more than ${LIMITS.blocks} blocks`);
  if (blocks.some((b) => b.type === 'input') && !view.submit?.text)
    problems.push('submit is required when a view has input blocks');
  for (const block of blocks) {
    const where = `block ${block.block_id ?? '?'}`;
    problems.push(...longer(`${where} block_id`, block.block_id, LIMITS.id));
    problems.push(...longer(`${where} label`, block.label?.text, LIMITS.label));
    const element = block.element;
    if (!element) continue;
    problems.push(...longer(`${where} action_id`, element.action_id, LIMITS.id));
    problems.push(...longer(`${where} placeholder`, element.placeholder?.text, LIMITS.placeholder));
    if ((element.max_length ?? 0) > LIMITS.textInputMaxLength)
      problems.push(`${where} max_length is over ${LIMITS.textInputMaxLength}`);
    problems.push(...optionProblems(where, element.options));
    if (element.option_groups) {
      if (element.option_groups.length > LIMITS.optionGroups)
        problems.push(`${where} has more than ${LIMITS.optionGroups} option groups`);
      for (const group of element.option_groups) {
        problems.push(...longer(`${where} group label`, group.label?.text, LIMITS.optionText));
        problems.push(...optionProblems(`${where} group`, group.options));
      }
    }
    if (element.type === 'static_select' && !element.options && !element.option_groups)
      problems.push(`${where} static_select needs options or option_groups`);
  }
  return problems;
}
