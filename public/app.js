// Arena's web client: plain JavaScript over the same Socket.IO protocol agents use (see README).
'use strict';

const $ = (selector) => document.querySelector(selector);
const state = {
  token: localStorage.getItem('arena.token'),
  me: null,
  socket: null,
  room: null,
  lastSeq: 0,
  conversations: [],
  channel: null,
  names: {},
};
const newId = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());

function showError(error) {
  $('#error').textContent = error ? `${error.code}: ${error.message}` : '';
}

async function rest(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: {
      'Content-Type': 'application/json',
      ...(state.token ? { Authorization: `Bearer ${state.token}` } : {}),
      ...(method !== 'GET' ? { 'Idempotency-Key': newId() } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.status === 204 ? null : await response.json();
  if (!response.ok) throw data;
  return data;
}

/** Emits with an ack; resolves with `data` or rejects with the coded error. */
function ask(event, payload) {
  return new Promise((resolve, reject) => {
    state.socket.timeout(10000).emit(event, payload, (timeout, reply) => {
      if (timeout) return reject({ code: 'TIMEOUT', message: `${event} got no answer` });
      return reply.ok ? resolve(reply.data) : reject(reply.error);
    });
  });
}

async function act(event, payload) {
  showError(null);
  try {
    return await ask(event, payload);
  } catch (error) {
    showError(error);
    return null;
  }
}

// ---- sign-in ----

async function signedIn(grant) {
  state.token = grant.token;
  localStorage.setItem('arena.token', grant.token);
  await start();
}

$('#guest-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    await signedIn(await rest('POST', '/auth/guest', { displayName: event.target.displayName.value }));
  } catch (error) {
    showError(error);
  }
});

$('#account-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  const mode = event.submitter?.value ?? 'login';
  const body = { username: form.username.value, password: form.password.value };
  if (mode === 'register') body.displayName = form.displayName.value || form.username.value;
  try {
    await signedIn(await rest('POST', mode === 'register' ? '/auth/register' : '/auth/login', body));
  } catch (error) {
    showError(error);
  }
});

$('#signout').addEventListener('click', async () => {
  await rest('POST', '/auth/logout').catch(() => undefined);
  localStorage.removeItem('arena.token');
  location.reload();
});

async function start() {
  try {
    state.me = await rest('GET', '/me');
  } catch {
    localStorage.removeItem('arena.token');
    state.token = null;
    return;
  }
  $('#whoami').textContent = `${state.me.displayName} (${state.me.kind})`;
  $('#signin').hidden = true;
  $('#app').hidden = false;
  $('#signout').hidden = false;
  connect();
}

// ---- connection ----

function connect() {
  // features: this client reads chat:messages (a conversation's messages of one commit in one packet).
  const socket = io({ auth: { token: state.token, features: ['chat:messages'] }, transports: ['websocket'] });
  state.socket = socket;
  socket.on('connect', async () => {
    $('#status').textContent = 'online';
    await loadGames();
    await subscribeLobby();
    if (state.room) await rejoin();
    await loadConversations();
  });
  socket.on('disconnect', () => ($('#status').textContent = 'reconnecting…'));
  socket.on('connect_error', (error) => showError(error.data ?? { code: 'OFFLINE', message: error.message }));
  socket.on('server:shutdown', () => ($('#status').textContent = 'server restarting…'));
  socket.on('session:revoked', () => location.reload());
  socket.on('lobby:room', () => subscribeLobby());
  socket.on('room:update', (update) => {
    if (!state.room || update.roomId !== state.room.roomId || update.seq <= state.lastSeq) return;
    if (update.view) {
      state.lastSeq = update.seq;
      return showRoom(update.view);
    }
    // A patch applies only onto the view at patch.from; any other view missed an update: rejoin for a whole one.
    if (state.room.seq !== update.patch.from) return rejoin();
    state.lastSeq = update.seq;
    showRoom({ ...state.room, seq: update.seq, game: update.patch.game, result: update.patch.result });
  });
  socket.on('room:kicked', () => leftRoom());
  socket.on('chat:message', (message) => message.conversationId === state.channel && addMessage(message));
  // Several messages of one conversation committed together arrive as one packet, in order.
  socket.on(
    'chat:messages',
    ({ conversationId, messages }) => conversationId === state.channel && messages.forEach(addMessage),
  );
  socket.on('chat:welcome-ready', () => loadConversations());
}

// ---- lobby ----

const gameId = () => $('#game').value;
$('#game').addEventListener('change', () => subscribeLobby());

/** The games this server runs, as its engine registry lists them (GET /games); the choice made is kept. */
async function loadGames() {
  const response = await fetch('/games');
  if (!response.ok) return showError({ code: 'OFFLINE', message: 'The games list is unavailable' });
  const { games } = await response.json();
  const select = $('#game');
  const chosen = select.value;
  select.replaceChildren(
    ...games.map(({ gameId: id }) => {
      const option = document.createElement('option');
      option.value = id;
      option.textContent = id;
      return option;
    }),
  );
  if (games.some(({ gameId: id }) => id === chosen)) select.value = chosen;
}

async function subscribeLobby() {
  const listed = await act('lobby:subscribe', { gameId: gameId() });
  if (!listed) return;
  const list = $('#rooms');
  list.replaceChildren(
    ...listed.rooms.map((room) => {
      const item = document.createElement('li');
      item.textContent = `${room.name} — ${room.seated}/${room.seatCount} `;
      const join = Object.assign(document.createElement('button'), { textContent: 'Join' });
      join.onclick = () => enter(act('room:join', { actionId: newId(), roomId: room.roomId }));
      const watch = Object.assign(document.createElement('button'), { textContent: 'Watch' });
      watch.onclick = async () => {
        const view = await act('room:watch', { roomId: room.roomId });
        if (view) opened(view);
      };
      item.append(join, ' ', watch);
      return item;
    }),
  );
}

$('#quick-match').addEventListener('click', () =>
  enter(act('lobby:quick-match', { actionId: newId(), gameId: gameId() })),
);

$('#create-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  enter(
    act('room:create', {
      actionId: newId(),
      gameId: gameId(),
      name: form.name.value || undefined,
      seatCount: Number(form.seatCount.value),
      botFill: form.botFill.checked,
      private: form.private.checked,
    }),
  );
});

async function enter(pending) {
  const entry = await pending;
  if (entry) opened(entry.view);
}

function opened(view) {
  state.room = view;
  state.lastSeq = view.seq;
  localStorage.setItem('arena.room', view.roomId);
  showRoom(view);
  loadConversations();
}

async function rejoin() {
  const back = await act('room:rejoin', { roomId: state.room.roomId, lastSeq: state.lastSeq });
  if (back) {
    state.lastSeq = back.view.seq;
    showRoom(back.view);
  }
}

$('#leave').addEventListener('click', async () => {
  if (state.room.you.seat !== null) await act('room:leave', { actionId: newId(), roomId: state.room.roomId });
  else await act('room:unwatch', { roomId: state.room.roomId });
  leftRoom();
});

function leftRoom() {
  state.room = null;
  localStorage.removeItem('arena.room');
  $('#room').hidden = true;
  $('#chat').hidden = true;
  subscribeLobby();
}

document.querySelectorAll('[data-host]').forEach((button) => {
  button.addEventListener('click', () => {
    const event = button.dataset.host;
    const extra = event === 'room:add-bots' ? { upTo: state.room.settings.seatCount } : {};
    act(event, { actionId: newId(), roomId: state.room.roomId, ...extra });
  });
});

// ---- the room ----

function showRoom(view) {
  state.room = view;
  $('#room').hidden = false;
  $('#room-title').textContent = `${view.name} (${view.gameId})`;
  const game = view.game;
  $('#room-phase').textContent = game
    ? `${game.phase}${game.round ? `, round ${game.round}/${game.rounds ?? game.maxRounds}` : ''}${game.day ? `, day ${game.day}` : ''}${game.theme ? ` — theme: ${game.theme}` : ''}`
    : view.phase;
  $('#host-controls').hidden = view.hostUserId !== state.me.id;
  const gameSeats = new Map((game?.seats ?? []).map((seat) => [seat.seat, seat]));
  $('#seats').replaceChildren(
    ...view.seats.map((seat) => {
      const item = document.createElement('li');
      const extra = gameSeats.get(seat.seat);
      item.textContent = `${seat.name}${seat.host ? ' ★' : ''}${seat.kind !== 'human' ? ` [${seat.kind}]` : ''}${seat.away ? ' (away)' : ''}${extra?.score !== undefined ? ` — ${extra.score}` : ''}${view.you.seat === seat.seat ? ' (you)' : ''}`;
      if (extra && extra.alive === false) item.className = 'dead';
      return item;
    }),
  );
  $('#game-panel').replaceChildren(...gamePanel(view));
  $('#raw').textContent = JSON.stringify(view, null, 2);
  if (view.result) $('#room-phase').textContent += ` — ${view.result.summary}`;
  if (view.phase === 'closed') $('#room-phase').textContent = 'closed: everyone left';
}

function button(label, onclick) {
  return Object.assign(document.createElement('button'), { textContent: label, onclick });
}

function play(action) {
  return act('game:action', { actionId: newId(), roomId: state.room.roomId, action });
}

function seatName(seat) {
  return state.room.seats.find((s) => s.seat === seat)?.name ?? `seat ${seat}`;
}

function gamePanel(view) {
  const game = view.game;
  const you = game?.you;
  if (!game || !you) return [];
  const parts = [];
  if (game.game === 'roast') {
    if (game.phase === 'round' && !you.roast) {
      const text = Object.assign(document.createElement('textarea'), {
        maxLength: game.maxRoastLength,
        rows: 3,
        cols: 40,
        placeholder: `Roast about ${game.theme}`,
      });
      parts.push(
        text,
        button('Submit roast', () => play({ type: 'roast', text: text.value })),
      );
    }
    if (game.phase === 'voting') {
      for (const roast of game.roasts) {
        const line = document.createElement('p');
        line.textContent = `${seatName(roast.seat)}: ${roast.text} `;
        if (you.voteTargets.includes(roast.seat) && you.votedFor === null)
          line.append(button('Vote', () => play({ type: 'vote', seat: roast.seat })));
        parts.push(line);
      }
    }
  }
  if (game.game === 'mafia') {
    const role = document.createElement('p');
    role.textContent = `You are ${you.role ?? '…'}${you.alive ? '' : ' (dead)'}${you.mafia.length > 1 ? `; the mafia: ${you.mafia.map(seatName).join(', ')}` : ''}`;
    parts.push(role);
    const living = game.seats.filter((seat) => seat.alive && seat.seat !== you.seat);
    if (you.alive && game.phase === 'night' && you.role === 'mafia') {
      for (const seat of living.filter((s) => !you.mafia.includes(s.seat)))
        parts.push(button(`Kill ${seat.name}`, () => play({ type: 'kill', seat: seat.seat })));
    }
    if (you.alive && game.phase === 'discussion' && !you.ready)
      parts.push(button('Ready', () => play({ type: 'ready' })));
    if (you.alive && game.phase === 'voting' && you.vote === null) {
      for (const seat of living) parts.push(button(`Vote ${seat.name}`, () => play({ type: 'vote', seat: seat.seat })));
    }
  }
  if (game.game === 'crew') parts.push(...crewPanel(game, you));
  if (game.game === 'villa') parts.push(...villaPanel(game, you));
  return parts;
}

const VILLA_MOVES = {
  pairing: ['pair', 'Pair with'],
  challenge: ['challenge', 'Challenge winner:'],
  twist: ['twist', 'Make vulnerable:'],
  recouple: ['recouple', 'Recouple with'],
  elimination: ['eliminate', 'Vote out'],
};

/** Villa: your couple and standing, the couples, and one button per seat you may name in this phase. */
function villaPanel(game, you) {
  const parts = [];
  const standing = document.createElement('p');
  const partner = you.partner === null ? 'single' : `coupled with ${seatName(you.partner)}`;
  standing.textContent = `${you.alive ? 'In the villa' : 'Eliminated'}, ${partner}${game.immune === you.seat ? ', immune this round' : ''}${game.vulnerable === you.seat ? ', vulnerable' : ''}`;
  const couples = document.createElement('p');
  couples.textContent = `Couples: ${game.couples.map(([a, b]) => `${seatName(a)} & ${seatName(b)}`).join(', ') || 'none'}`;
  parts.push(standing, couples);
  const [type, verb] = VILLA_MOVES[game.phase] ?? [];
  if (type && you.mustAct) {
    for (const seat of you.targets) parts.push(button(`${verb} ${seatName(seat)}`, () => play({ type, seat })));
  } else if (type && you.choice !== null) {
    const chosen = document.createElement('p');
    chosen.textContent = `${verb} ${seatName(you.choice)} (waiting for the others)`;
    parts.push(chosen);
  }
  if (game.winners.length > 0) {
    const won = document.createElement('p');
    won.textContent = `${game.finishReason === 'final_couple' ? 'The final couple' : "The viewers' favourite"}: ${game.winners.map(seatName).join(' & ')}`;
    parts.push(won);
  }
  return parts;
}

/** Crew: your role and tasks, the crew's task bar, the last meeting's votes, and the moves you may make now. */
function crewPanel(game, you) {
  const parts = [];
  const about = document.createElement('p');
  const fellows = you.impostors.length > 1 ? `; the impostors: ${you.impostors.map(seatName).join(', ')}` : '';
  const tasks = you.tasks ? `; your tasks ${you.tasks.done}/${you.tasks.total}` : '';
  about.textContent = `You are ${you.role ?? '…'}${you.alive ? '' : ' (dead)'}${fellows}${tasks} — crew tasks ${game.taskProgress.done}/${game.taskProgress.total}`;
  parts.push(about);
  if (game.meeting) {
    const meeting = document.createElement('p');
    const why = {
      body: `${seatName(game.meeting.victim)} was found dead`,
      emergency: `${seatName(game.meeting.caller)} called an emergency meeting`,
      timer: 'time for a meeting',
    };
    meeting.textContent = `Meeting: ${why[game.meeting.reason]}`;
    parts.push(meeting);
  }
  if (game.lastMeeting) {
    const last = document.createElement('p');
    const votes = Object.entries(game.lastMeeting.votes).map(
      ([voter, vote]) => `${seatName(Number(voter))} → ${vote === 'skip' ? 'skip' : seatName(vote)}`,
    );
    last.textContent = `Last meeting: ${game.lastMeeting.ejected === null ? 'nobody ejected' : `${seatName(game.lastMeeting.ejected)} ejected`}${votes.length ? ` (${votes.join(', ')})` : ''}`;
    parts.push(last);
  }
  if (!you.alive) return parts;
  const others = game.seats.filter((seat) => seat.alive && seat.seat !== you.seat);
  if (game.phase === 'tasks') {
    if (you.mustAct)
      parts.push(button(you.role === 'impostor' ? 'Pretend a task' : 'Do a task', () => play({ type: 'task' })));
    if (you.mustAct && you.role === 'impostor')
      for (const seat of others.filter((s) => !you.impostors.includes(s.seat)))
        parts.push(button(`Kill ${seat.name}`, () => play({ type: 'kill', seat: seat.seat })));
    if (!you.emergencyUsed) parts.push(button('Emergency meeting', () => play({ type: 'meeting' })));
  }
  if (game.phase === 'meeting' && you.vote === null) {
    for (const seat of others) parts.push(button(`Vote ${seat.name}`, () => play({ type: 'vote', seat: seat.seat })));
    parts.push(button('Skip', () => play({ type: 'skip' })));
  }
  return parts;
}

// ---- chat ----

async function loadConversations() {
  const conversations = await act('chat:conversations', {});
  if (!conversations) return;
  state.conversations = conversations.filter((c) => state.room && c.roomId === state.room.roomId);
  $('#chat').hidden = state.conversations.length === 0;
  $('#channels').replaceChildren(
    ...state.conversations.map((c) => {
      const tab = button(`${c.channel}${c.unread ? ` (${c.unread})` : ''}`, () => openChannel(c.id));
      tab.setAttribute('aria-pressed', String(c.id === state.channel));
      return tab;
    }),
  );
  if (!state.conversations.some((c) => c.id === state.channel) && state.conversations[0])
    openChannel(state.conversations[0].id);
}

async function openChannel(conversationId) {
  state.channel = conversationId;
  $('#messages').replaceChildren();
  const history = await act('chat:history', { conversationId });
  if (!history) return;
  history.messages.forEach(addMessage);
  const last = history.messages.at(-1);
  if (last) act('chat:read', { conversationId, seq: last.seq });
}

function addMessage(message) {
  const item = document.createElement('li');
  const who = document.createElement('b');
  const seat = state.room?.seats.find((s) => s.userId === message.senderId);
  who.textContent = message.senderId === state.me.id ? 'you' : (seat?.name ?? 'spectator');
  item.append(who, document.createTextNode(message.body));
  $('#messages').append(item);
  item.scrollIntoView({ block: 'nearest' });
}

$('#chat-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = event.target.body;
  const sent = await act('chat:send', { conversationId: state.channel, clientMsgId: newId(), body: input.value });
  if (sent) {
    addMessage(sent);
    input.value = '';
  }
});

if (state.token) start();
