// clipbay playground: sends /video like Slack or Discord would (through the server, which signs),
// and renders clipbay's answers the way each platform shows them. DOM is built with textContent
// only: nothing a prompt contains is ever parsed as HTML.

const channel = document.getElementById('channel');
const composer = document.getElementById('composer');
const input = document.getElementById('command');
const errorBox = document.getElementById('error');
const historyList = document.getElementById('history');
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

composer.addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  await start('/playground/command', { platform, text });
});

const TOKEN = document.querySelector('meta[name="clipbay-token"]')?.getAttribute('content') ?? '';

async function start(path, body) {
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
    follow(answer.id);
  } catch (error) {
    errorBox.textContent = error.message;
    errorBox.hidden = false;
  }
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
function follow(id) {
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
      const following = atNewest();
      render(article, conversation);
      if (following) toNewest();
      if (isFinal(conversation)) return loadHistory();
    }
    if (Date.now() - started < GIVE_UP_MS) setTimeout(tick, POLL_MS);
  };
  tick();
}

function isFinal(conversation) {
  const messages = conversation.messages;
  if (messages.length === 0) return false;
  if (messages.every((m) => m.ephemeral)) return true;
  const visible = messages.filter((m) => !m.ephemeral);
  const last = visible.at(-1);
  if (visible.some((m) => uploadedClip(conversation.platform, m.body))) return true;
  if (/could not be made/i.test(JSON.stringify(last.body))) return true;
  // A finished message with no upload after it (inline off, or the link fallback): final once quiet.
  return (
    /Your video is ready/.test(JSON.stringify(last.body)) && Date.now() - last.updatedAt > LINK_ONLY_QUIET_MS
  );
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
    el('div', { class: 'typed' }, [conversation.command]),
  ];
  for (const message of conversation.messages) {
    const box = el('div', {
      class: `msg${message.ephemeral ? ' ephemeral' : ''}`,
      'data-edits': String(message.edits),
    });
    box.append(
      el('div', { class: 'who' }, ['clipbay', el('span', { class: 'time' }, [time(message.updatedAt)])]),
    );
    box.append(...(where === 'slack' ? slackMessage(message.body) : discordMessage(message.body)));
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

function slackMessage(body) {
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
        block.elements.map((b) => slackButton(b)),
      );
    return el('div', { class: 'block' }, [`[${block.type}]`]);
  });
}

function slackButton(button) {
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
    start('/playground/action', {
      platform: 'slack',
      actionId: button.action_id,
      value: button.value ?? '',
      label,
    }),
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
          el('a', { href: target, target: '_blank', rel: 'noopener' }, [unescapeSlack(label ?? target)]),
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

function discordMessage(body) {
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
    nodes.push(el('div', { class: 'buttons' }, row.components.map(discordButton)));
  return nodes;
}

function discordButton(button) {
  if (button.url) return el('a', { href: button.url, target: '_blank', rel: 'noopener' }, [button.label]);
  const node = el('button', { type: 'button' }, [button.label]);
  node.addEventListener('click', () =>
    start('/playground/action', { platform: 'discord', actionId: button.custom_id, label: button.label }),
  );
  return node;
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
