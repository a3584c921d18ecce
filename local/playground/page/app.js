// clipbay playground: sends /video like Slack or Discord would (through the server, which signs),
// and renders clipbay's answers the way each platform shows them. DOM is built with textContent
// only: nothing a prompt contains is ever parsed as HTML.

const channel = document.getElementById('channel');
const composer = document.getElementById('composer');
const input = document.getElementById('command');
const errorBox = document.getElementById('error');
const historyList = document.getElementById('history');
const fileInput = document.getElementById('share-file');
const dialogLayer = document.getElementById('dialog-layer');
const layout = document.querySelector('.layout');
const POLL_MS = 700;
const GIVE_UP_MS = 15 * 60 * 1000;
/** Slack's upload follows the finished message; with no upload this long after it, the link is all. */
const LINK_ONLY_QUIET_MS = 8000;

let platform = 'slack';
for (const radio of document.querySelectorAll('input[name="platform"]')) {
  radio.addEventListener('change', () => {
    platform = radio.value;
    document.body.dataset.platform = platform;
  });
}

// `/video` with nothing after it is a command too: on Slack it opens the form.
composer.addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = input.value.trim();
  input.value = '';
  await start('/playground/command', { platform, text });
});

// A file dropped into the channel, as a person shares an image in Slack or Discord (Animate acts on it).
fileInput.addEventListener('change', async () => {
  const file = fileInput.files?.[0];
  fileInput.value = '';
  if (!file) return;
  const data = await new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
  await start('/playground/file', {
    platform,
    name: file.name,
    contentType: file.type || 'application/octet-stream',
    data,
  });
});

const TOKEN = document.querySelector('meta[name="clipbay-token"]')?.getAttribute('content') ?? '';

/** Sends a state-changing request to the playground; its JSON answer, or undefined after showing why not. */
async function send(path, body) {
  errorBox.hidden = true;
  try {
    const response = await fetch(path, {
      method: 'POST',
      // The per-process token the server put in this page; other pages cannot read it.
      headers: { 'content-type': 'application/json', 'x-clipbay-token': TOKEN },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.error || `Request failed (${response.status})`);
    return answer;
  } catch (error) {
    errorBox.textContent = error.message;
    errorBox.hidden = false;
    return undefined;
  }
}

/** Sends a command, a press, a file or a shortcut, and follows the conversation it starts. */
async function start(path, body) {
  const answer = await send(path, body);
  if (answer) follow(answer.id);
  return answer;
}

/** Whether the channel shows its newest message (or nearly): updates then keep it in view. */
const atNewest = () => channel.scrollHeight - channel.scrollTop - channel.clientHeight < 80;
const toNewest = () => {
  channel.scrollTop = channel.scrollHeight;
};

/**
 * Shows a conversation and polls it until clipbay's answer is final. The channel scrolls to a new
 * command, as chat apps do, and follows its answers while the reader is at the newest message;
 * someone who scrolled up to read an earlier clip is left where they are.
 */
const following = new Set();
function follow(id) {
  if (following.has(id)) return;
  following.add(id);
  document.getElementById('empty')?.remove();
  let article = document.getElementById(`conv-${id}`);
  if (!article) {
    article = el('article', { class: 'conv', id: `conv-${id}` });
    channel.append(article);
    toNewest();
  } else article.scrollIntoView({ block: 'nearest' });
  const started = Date.now();
  const tick = async () => {
    const response = await fetch(`/playground/conversations/${encodeURIComponent(id)}`);
    if (response.ok) {
      const conversation = await response.json();
      const atBottom = atNewest();
      render(article, conversation);
      if (atBottom) toNewest();
      if (isFinal(conversation)) {
        following.delete(id);
        return loadHistory();
      }
    }
    if (Date.now() - started < GIVE_UP_MS) setTimeout(tick, POLL_MS);
    else following.delete(id);
  };
  tick();
}

/** Shows a conversation's newest state now, and follows it again if it may still change. */
async function refresh(id) {
  const article = document.getElementById(`conv-${id}`);
  const response = await fetch(`/playground/conversations/${encodeURIComponent(id)}`);
  if (!article || !response.ok) return follow(id);
  const conversation = await response.json();
  render(article, conversation);
  if (!isFinal(conversation)) follow(id);
}

/** A press, shortcut or form that leaves no message of its own is over this long after its last step. */
const QUIET_MS = 3000;

/**
 * What a message says first, where clipbay puts its headline: Slack's `text`, Discord's first embed
 * title or its content. Never the prompt's own words, so a prompt cannot end the polling.
 */
function headline(where, body) {
  return where === 'slack' ? (body.text ?? '') : (body.embeds?.[0]?.title ?? body.content ?? '');
}

function isFinal(conversation) {
  const messages = conversation.messages;
  if (conversation.dialog) return false; // the person is still filling it in
  if (conversation.kind === 'file') return true;
  if (messages.length === 0)
    return conversation.kind !== undefined && conversation.kind !== 'command'
      ? Date.now() - Math.max(conversation.createdAt, conversation.dialogClosedAt ?? 0) > QUIET_MS
      : false;
  if (messages.every((m) => m.ephemeral)) return true;
  const visible = messages.filter((m) => !m.ephemeral);
  const last = visible.at(-1);
  if (visible.some((m) => uploadedClip(conversation.platform, m.body))) return true;
  const said = headline(conversation.platform, last.body);
  if (/^(The video could not be made|Cancelled by )/.test(said)) return true;
  // A finished message with no upload after it (inline off, or the link fallback): final once quiet.
  return said.startsWith('Your video is ready') && Date.now() - last.updatedAt > LINK_ONLY_QUIET_MS;
}

function render(article, conversation) {
  const { platform: where } = conversation;
  article.dataset.platform = where;
  const nodes = [
    el('div', { class: 'who' }, [
      'you',
      el('span', { class: 'time' }, [
        `${where === 'slack' ? 'Slack' : 'Discord'} · ${time(conversation.createdAt)}`,
      ]),
    ]),
    conversation.file ? sharedFile(conversation) : el('div', { class: 'typed' }, [conversation.command]),
  ];
  for (const message of conversation.messages) {
    const box = el('div', {
      class: `msg${message.ephemeral ? ' ephemeral' : ''}`,
      'data-edits': String(message.edits),
    });
    box.append(
      el('div', { class: 'who' }, ['clipbay', el('span', { class: 'time' }, [time(message.updatedAt)])]),
    );
    box.append(
      ...(where === 'slack'
        ? slackMessage(message.body, conversation.id)
        : discordMessage(message.body, conversation.id)),
    );
    if (message.ephemeral) box.append(el('div', { class: 'note' }, ['Only visible to you']));
    if (message.edits > 0) box.append(el('div', { class: 'note' }, [`(edited ${message.edits}×)`]));
    const clip = message.ephemeral ? undefined : uploadedClip(where, message.body);
    if (clip) box.append(video(clip));
    nodes.push(box);
  }
  // Keep a playing video element in place instead of rebuilding it.
  const playing = article.querySelector('video');
  article.replaceChildren(...nodes);
  const fresh = article.querySelector('video');
  if (playing && fresh && playing.src === fresh.src) fresh.replaceWith(playing);
  showDialog(conversation);
}

function video(src) {
  const player = el('video', { controls: '', preload: 'auto', playsinline: '', muted: '', src });
  player.muted = true;
  // The player grows once it knows the clip's size: keep the newest message in view.
  let following = true;
  player.addEventListener('loadstart', () => (following = atNewest()));
  player.addEventListener('loadedmetadata', () => following && toNewest());
  return player;
}

/**
 * The clip as the platform received it: the file uploaded to Slack, or the MP4 attached on Discord
 * (served from the bytes the stand-in API kept). A link alone plays nowhere, as on the platforms:
 * Slack opens it in a browser tab.
 */
function uploadedClip(where, body) {
  const files = where === 'slack' ? (body.files ?? []) : (body.attachments ?? []);
  const clip = files.find((f) => (f.mimetype ?? f.content_type ?? '').startsWith('video/'));
  return clip?.url;
}

// ---- Slack: Block Kit -------------------------------------------------------------------------

function slackMessage(body, conversationId) {
  const blocks = body.blocks ?? [];
  if (body.files?.length)
    return [
      el('div', { class: 'block' }, mrkdwn(body.text ?? '')),
      ...body.files.map((f) => el('div', { class: 'block context file' }, [`${f.name} · uploaded to Slack`])),
    ];
  if (blocks.length === 0) return [el('div', { class: 'block' }, mrkdwn(body.text ?? ''))];
  return blocks.map((block) => {
    if (block.type === 'section') {
      const text = block.text ?? {};
      return el(
        'div',
        { class: 'block' },
        text.type === 'plain_text' ? [text.text] : mrkdwn(text.text ?? ''),
      );
    }
    if (block.type === 'context')
      return el(
        'div',
        { class: 'block context' },
        block.elements.flatMap((e) => (e.type === 'mrkdwn' ? mrkdwn(e.text) : [e.text ?? ''])),
      );
    if (block.type === 'actions')
      return el(
        'div',
        { class: 'buttons' },
        block.elements.map((b) => slackButton(b, conversationId)),
      );
    return el('div', { class: 'block' }, [`[${block.type}]`]);
  });
}

function slackButton(button, conversationId) {
  const label = button.text?.text ?? 'button';
  if (button.url)
    return el(
      'a',
      {
        href: button.url,
        target: '_blank',
        rel: 'noopener',
        class: button.style === 'primary' ? 'primary' : '',
      },
      [label],
    );
  const node = el('button', { type: 'button' }, [label]);
  node.addEventListener('click', () =>
    press(
      { platform: 'slack', actionId: button.action_id, value: button.value ?? '', label },
      conversationId,
    ),
  );
  return node;
}

/** Slack mrkdwn → nodes: <url|label> links, <@U…> mentions, *bold*, `code`; entities decoded. */
function mrkdwn(text) {
  const nodes = [];
  for (const part of text.split(/(<[^<>]+>)/g)) {
    const special = /^<([^|>]+)(?:\|([^>]*))?>$/.exec(part);
    if (special) {
      const [, target, label] = special;
      // The playground's own user shows as "you", as Slack shows your own mention by name.
      if (target.startsWith('@'))
        nodes.push(
          el('span', { class: 'mention' }, [
            target === '@UPLAYGROUND' ? '@you' : `@${label ?? target.slice(1)}`,
          ]),
        );
      else if (target.startsWith('!')) nodes.push(el('span', { class: 'mention' }, [`@${target.slice(1)}`]));
      else
        nodes.push(
          /^https?:\/\//i.test(target)
            ? el('a', { href: target, target: '_blank', rel: 'noopener' }, [unescapeSlack(label ?? target)])
            : unescapeSlack(label ?? target),
        );
      continue;
    }
    for (const piece of unescapeSlack(part).split(/(\*[^*\n]+\*|`[^`\n]+`)/g)) {
      if (/^\*[^*]+\*$/.test(piece)) nodes.push(el('b', {}, [piece.slice(1, -1)]));
      else if (/^`[^`]+`$/.test(piece)) nodes.push(el('code', {}, [piece.slice(1, -1)]));
      else if (piece) nodes.push(emoji(piece));
    }
  }
  return nodes;
}

const EMOJI = {
  ':clapper:': '🎬',
  ':movie_camera:': '🎥',
  ':hourglass_flowing_sand:': '⏳',
  ':warning:': '⚠️',
};
const emoji = (text) => text.replace(/:[a-z_]+:/g, (code) => EMOJI[code] ?? code);
const unescapeSlack = (text) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

// ---- Discord: content, embeds, components ------------------------------------------------------

function discordMessage(body, conversationId) {
  if (body.thinking) return [el('div', { class: 'block context' }, ['clipbay is thinking…'])];
  const nodes = [];
  if (body.content) nodes.push(el('div', { class: 'block' }, discordMarkdown(body.content)));
  for (const embed of body.embeds ?? []) {
    const box = el('div', { class: 'embed' });
    if (embed.title)
      box.append(
        el('h3', {}, [
          embed.url
            ? el('a', { href: embed.url, target: '_blank', rel: 'noopener' }, [embed.title])
            : embed.title,
        ]),
      );
    if (embed.description) box.append(el('div', { class: 'block' }, discordMarkdown(embed.description)));
    if (embed.fields?.length)
      box.append(
        el(
          'div',
          { class: 'fields' },
          embed.fields.map((f) =>
            el('div', { class: 'field' }, [el('b', {}, [f.name]), ...discordMarkdown(f.value)]),
          ),
        ),
      );
    if (embed.footer?.text) box.append(el('div', { class: 'context' }, [embed.footer.text]));
    nodes.push(box);
  }
  for (const file of body.attachments ?? [])
    nodes.push(el('div', { class: 'block context file' }, [`${file.filename} · attached`]));
  for (const row of body.components ?? [])
    nodes.push(
      el(
        'div',
        { class: 'buttons' },
        row.components.map((button) => discordButton(button, conversationId)),
      ),
    );
  return nodes;
}

function discordButton(button, conversationId) {
  if (button.url) return el('a', { href: button.url, target: '_blank', rel: 'noopener' }, [button.label]);
  const node = el('button', { type: 'button' }, [button.label]);
  node.addEventListener('click', () =>
    press({ platform: 'discord', actionId: button.custom_id, label: button.label }, conversationId),
  );
  return node;
}

/**
 * A button pressed on a message: what it answers shows as its own entry, and a message it edits
 * in place (Cancel: "Cancelled by you") is redrawn where it is.
 */
async function press(action, conversationId) {
  await start('/playground/action', { ...action, conversationId });
  refresh(conversationId);
}

// ---- a file shared in the channel, and Animate on it ---------------------------------------------

/** The shared file as the person's own message, with the message's actions menu (⋯ / Apps). */
function sharedFile(conversation) {
  const { file, platform: where } = conversation;
  const preview = file.contentType.startsWith('image/')
    ? el('img', { class: 'shared', src: file.url, alt: file.name })
    : el('div', { class: 'block context file' }, [`${file.name} · ${file.size} bytes`]);
  const menu = el('div', { class: 'menu', hidden: '' }, [
    el('div', { class: 'menu-title' }, [where === 'slack' ? 'More actions' : 'Apps']),
  ]);
  const animate = el('button', { type: 'button', class: 'menu-item' }, ['Animate']);
  animate.addEventListener('click', () => {
    menu.hidden = true;
    start('/playground/shortcut', { conversationId: conversation.id });
  });
  menu.append(animate);
  const more = el('button', { type: 'button', class: 'more', 'aria-label': 'Message actions' }, ['⋯']);
  more.addEventListener('click', () => (menu.hidden = !menu.hidden));
  return el('div', { class: 'typed shared-file' }, [
    preview,
    el('div', { class: 'file-name' }, [file.name]),
    el('div', { class: 'actions' }, [more, menu]),
  ]);
}

// ---- dialogs: Slack modals and Discord modals ---------------------------------------------------

/** The dialog on screen: its conversation and version, so a poll redraws it only when it changed. */
let shown = { id: undefined, version: 0 };

function showDialog(conversation) {
  const dialog = conversation.dialog;
  if (!dialog) {
    if (shown.id === conversation.id) closeDialogLayer();
    return;
  }
  if (shown.id === conversation.id && shown.version === dialog.version) return;
  // One dialog at a time, as in Slack and Discord: a new one closes the one that was open.
  if (shown.id !== undefined && shown.id !== conversation.id)
    send('/playground/dialog', { conversationId: shown.id, action: 'close', values: {} });
  const kept = shown.id === conversation.id ? formValues() : {};
  shown = { id: conversation.id, version: dialog.version };
  const form =
    conversation.platform === 'slack' ? slackModal(conversation, dialog) : discordModal(conversation, dialog);
  dialogLayer.replaceChildren(form);
  dialogLayer.hidden = false;
  layout.inert = true; // nothing behind the dialog takes a click or a key meanwhile
  restoreValues(kept);
  form.querySelector('textarea, input:not([type=checkbox]), select')?.focus();
}

function closeDialogLayer() {
  shown = { id: undefined, version: 0 };
  dialogLayer.replaceChildren();
  dialogLayer.hidden = true;
  layout.inert = false;
}

/** Each field's value by its name; checkboxes as the list of those checked. */
function formValues() {
  const form = dialogLayer.querySelector('form');
  if (!form) return {};
  const values = {};
  for (const field of form.querySelectorAll('[name]')) {
    if (field.type === 'checkbox') {
      values[field.name] ??= [];
      if (field.checked) values[field.name].push(field.value);
    } else values[field.name] = field.value;
  }
  return values;
}

/** What was typed before the dialog changed, put back where the same field is (as Slack keeps it). */
function restoreValues(values) {
  const form = dialogLayer.querySelector('form');
  for (const [name, value] of Object.entries(values)) {
    const fields = [...form.querySelectorAll(`[name="${CSS.escape(name)}"]`)];
    for (const field of fields) {
      if (field.type === 'checkbox') field.checked = value.includes(field.value);
      else if (field.tagName === 'SELECT') {
        if (field.dataset.dispatch) continue; // the choice that rebuilt the form is in the form already
        if ([...field.options].some((o) => o.value === value)) field.value = value;
      } else field.value = value;
    }
  }
}

async function dialogAction(conversation, action, changed) {
  const answer = await send('/playground/dialog', {
    conversationId: conversation.id,
    action,
    values: action === 'close' ? {} : formValues(),
    ...(changed ? { changed } : {}),
  });
  if (!answer) return;
  if (answer.dialog) showDialog({ ...conversation, dialog: answer.dialog });
  else closeDialogLayer();
  refresh(conversation.id);
}

function dialogFrame(conversation, title, submitLabel, closeLabel, fields) {
  const form = el('form', { class: 'modal', role: 'dialog', 'aria-modal': 'true', 'aria-label': title });
  const close = el('button', { type: 'button', class: 'close' }, [closeLabel]);
  close.addEventListener('click', () => dialogAction(conversation, 'close'));
  const x = el('button', { type: 'button', class: 'x', 'aria-label': 'Close' }, ['×']);
  x.addEventListener('click', () => dialogAction(conversation, 'close'));
  form.append(
    el('header', {}, [el('h2', {}, [title]), x]),
    el('div', { class: 'fields' }, fields),
    el('footer', {}, [close, el('button', { type: 'submit', class: 'primary' }, [submitLabel])]),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    dialogAction(conversation, 'submit');
  });
  return form;
}

function fieldBox(id, label, optional, control, hint, error) {
  return el('div', { class: `field${error ? ' has-error' : ''}` }, [
    el('label', { for: id }, [label, optional ? el('span', { class: 'optional' }, [' (optional)']) : '']),
    control,
    ...(hint ? [el('div', { class: 'hint' }, [hint])] : []),
    ...(error ? [el('div', { class: 'field-error', role: 'alert' }, [error])] : []),
  ]);
}

/** A Slack modal from its Block Kit view: input blocks (text, URL, select, checkboxes), text blocks. */
function slackModal(conversation, dialog) {
  const view = dialog.body;
  const fields = (view.blocks ?? []).map((block) => {
    if (block.type !== 'input' || !block.element)
      return el('div', { class: 'block' }, mrkdwn(block.text?.text ?? ''));
    const element = block.element;
    const id = `f-${block.block_id}`;
    const name = block.block_id;
    const required = !block.optional;
    let control;
    if (element.type === 'static_select') {
      control = el('select', { id, name });
      const option = (o) => el('option', { value: o.value }, [o.text.text]);
      if (element.option_groups)
        for (const group of element.option_groups)
          control.append(el('optgroup', { label: group.label.text }, group.options.map(option)));
      else control.append(...(element.options ?? []).map(option));
      if (element.initial_option) control.value = element.initial_option.value;
      if (block.dispatch_action) {
        control.dataset.dispatch = 'true';
        control.addEventListener('change', () => dialogAction(conversation, 'change', name));
      }
    } else if (element.type === 'checkboxes') {
      const initial = new Set((element.initial_options ?? []).map((o) => o.value));
      control = el(
        'div',
        { class: 'checks', id },
        element.options.map((o) => {
          const box = el('input', { type: 'checkbox', name, value: o.value });
          box.checked = initial.has(o.value);
          return el('label', {}, [box, ` ${o.text.text}`]);
        }),
      );
    } else {
      const attributes = { id, name, placeholder: element.placeholder?.text ?? '' };
      if (element.max_length) attributes.maxlength = String(element.max_length);
      if (required) attributes.required = '';
      control =
        element.type === 'plain_text_input' && element.multiline
          ? el('textarea', { ...attributes, rows: '3' })
          : el('input', { ...attributes, type: element.type === 'url_text_input' ? 'url' : 'text' });
      control.value = element.initial_value ?? '';
    }
    return fieldBox(
      id,
      block.label.text,
      !required,
      control,
      block.hint?.text,
      dialog.errors?.[block.block_id],
    );
  });
  return dialogFrame(
    conversation,
    view.title?.text ?? '',
    view.submit?.text ?? 'Submit',
    view.close?.text ?? 'Cancel',
    fields,
  );
}

/** A Discord modal: its title and text inputs (short or paragraph), one per row. */
function discordModal(conversation, dialog) {
  const modal = dialog.body;
  const fields = (modal.components ?? []).flatMap((row) =>
    row.components.map((input) => {
      const id = `f-${input.custom_id}`;
      const attributes = { id, name: input.custom_id, placeholder: input.placeholder ?? '' };
      if (input.max_length) attributes.maxlength = String(input.max_length);
      if (input.min_length) attributes.minlength = String(input.min_length);
      if (input.required !== false) attributes.required = '';
      const control =
        input.style === 2
          ? el('textarea', { ...attributes, rows: '3' })
          : el('input', { ...attributes, type: 'text' });
      control.value = input.value ?? '';
      return fieldBox(id, input.label, input.required === false, control);
    }),
  );
  return dialogFrame(conversation, modal.title ?? '', 'Submit', 'Cancel', fields);
}

/** Discord markdown → nodes: [label](url) links, <@id> mentions, backslash escapes removed. */
function discordMarkdown(text) {
  const nodes = [];
  for (const part of text.split(/(\[[^\]]+\]\(https?:[^)\s]+\)|<@!?\d+>|https?:\/\/\S+)/g)) {
    const link = /^\[([^\]]+)\]\((https?:[^)\s]+)\)$/.exec(part);
    if (link)
      nodes.push(el('a', { href: link[2], target: '_blank', rel: 'noopener' }, [unescapeMarkdown(link[1])]));
    else if (/^https?:\/\//.test(part))
      nodes.push(el('a', { href: part, target: '_blank', rel: 'noopener' }, [`${part.slice(0, 60)}…`]));
    else if (/^<@!?\d+>$/.test(part)) nodes.push(el('span', { class: 'mention' }, ['@you']));
    else if (part) nodes.push(unescapeMarkdown(part));
  }
  return nodes;
}

const unescapeMarkdown = (text) => text.replace(/\\([\\*_~`|>#\-[\]()])/g, '$1');

// ---- history and helpers ----------------------------------------------------------------------

async function loadHistory() {
  const response = await fetch('/playground/history');
  if (!response.ok) return;
  const conversations = await response.json();
  historyList.replaceChildren(
    ...conversations.map((c) => {
      const open = el('button', { type: 'button' }, [
        `${c.platform === 'slack' ? 'Slack' : 'Discord'} · ${c.command}`,
      ]);
      open.addEventListener('click', () => follow(c.id));
      return el('li', {}, [open]);
    }),
  );
}

function el(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes))
    if (value !== '' || name !== 'class') node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function time(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

loadHistory();
